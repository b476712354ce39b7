import Foundation
import Testing
import TendCore
import TendTestSupport

/// The download type through the built binary against a real HTTP server on 127.0.0.1 (Python's http.server)
/// and the real curl: placed, re-planned as a no-op, refused on a wrong digest with nothing left, and the user's
/// own file at the path kept in backups and put back.
@Suite(.enabled(if: LocalHTTPServer.unavailableReason == nil, "\(LocalHTTPServer.unavailableReason ?? "")"),
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is not installed (CI installs it)"))
struct FetchDownloadEndToEndTests {
    static func config(path: String, url: String, sha256: String, mode: String? = nil) -> String {
        var text = "tend: 1\nresources:\n  - type: download\n    path: \(path)\n    url: \(url)\n    sha256: \(sha256)\n"
        if let mode { text += "    mode: \"\(mode)\"\n" }
        return text
    }

    static func hex(_ bytes: [UInt8]) -> String { String(SHA256.digest(bytes).dropFirst("sha256:".count)) }

    @Test func aPinnedDownloadIsPlacedOnceAndThenANoOp() async throws {
        let server = try LocalHTTPServer.start()
        let body = Array("#!/bin/sh\necho fetched by tend\n".utf8)
        try server.put("tools/hello.sh", body)
        let home = try TemporaryHome(prefix: "tend-download")
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", Self.config(path: "~/.local/bin/hello", url: server.url("tools/hello.sh"),
                                                sha256: Self.hex(body).uppercased(), mode: "0755"))

        let plan = try await tend.run(["plan"])
        #expect(plan.stdout.contains("Download \(server.url("tools/hello.sh")) to ~/.local/bin/hello"), "\(plan.stdout)\(plan.stderr)")
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let placed = home.path + "/.local/bin/hello"
        #expect(FileManager.default.contents(atPath: placed) == Data(body))
        let attributes = try FileManager.default.attributesOfItem(atPath: placed)
        #expect((attributes[.posixPermissions] as? Int) == 0o755)

        // The digest, written in upper case, matches what refresh reads: nothing to do, and no fetch needed.
        try FileManager.default.removeItem(atPath: server.root + "/tools/hello.sh")
        let again = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")

        // A mode change alone is made in place, without fetching (the file is gone from the server now).
        try home.write("tend.yaml", Self.config(path: "~/.local/bin/hello", url: server.url("tools/hello.sh"),
                                                sha256: Self.hex(body), mode: "0700"))
        let modeChange = try await tend.run(["apply", "--yes"])
        #expect(modeChange.status == 0, "\(modeChange.stdout)\(modeChange.stderr)")
        #expect(modeChange.stdout.contains("Change mode of ~/.local/bin/hello from 0755 to 0700"), "\(modeChange.stdout)")
        #expect((try FileManager.default.attributesOfItem(atPath: placed)[.posixPermissions] as? Int) == 0o700)
    }

    @Test func aWrongDigestNamesBothDigestsAndLeavesNothing() async throws {
        let server = try LocalHTTPServer.start()
        let body = Array("the real bytes\n".utf8)
        try server.put("file.txt", body)
        let home = try TemporaryHome(prefix: "tend-download-bad")
        let tend = TendBinary(home: home)
        let wrong = String(repeating: "ab", count: 32)
        try home.write("tend.yaml", Self.config(path: "~/new/file.txt", url: server.url("file.txt"), sha256: wrong))

        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 1)
        let said = apply.stdout + apply.stderr
        #expect(said.contains("expected sha256 \(wrong)"), "\(said)")
        #expect(said.contains("got sha256 \(Self.hex(body))"), "\(said)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/new/file.txt"))

        // A user's file at the path stays byte for byte when the download is wrong.
        try home.write("new/file.txt", "mine\n")
        let overMine = try await tend.run(["apply", "--yes"])
        #expect(overMine.status == 1)
        #expect(try String(contentsOfFile: home.path + "/new/file.txt", encoding: .utf8) == "mine\n")

        // A missing file on the server (HTTP 404) fails too, naming the URL, and places nothing.
        try home.write("tend.yaml", Self.config(path: "~/other.txt", url: server.url("missing.txt"), sha256: Self.hex(body)))
        let missing = try await tend.run(["apply", "--yes"])
        #expect(missing.status == 1)
        #expect((missing.stdout + missing.stderr).contains("could not download \(server.url("missing.txt"))"),
                "\(missing.stdout)\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/other.txt"))
    }

    @Test func theUsersFileGoesToBackupsAndComesBack() async throws {
        let server = try LocalHTTPServer.start()
        let body = Array("downloaded\n".utf8)
        try server.put("conf", body)
        let home = try TemporaryHome(prefix: "tend-download-rule1")
        let tend = TendBinary(home: home)
        try home.write("app.conf", "the user's own\n")
        try home.write("tend.yaml", Self.config(path: "~/app.conf", url: server.url("conf"), sha256: Self.hex(body)))

        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("the original is kept in backups first"), "\(apply.stdout)")
        #expect(FileManager.default.contents(atPath: home.path + "/app.conf") == Data(body))

        // Edited after tend placed it: the plan says the edit goes to backups before the download replaces it.
        try home.write("app.conf", "downloaded\nand edited\n")
        let replan = try await tend.run(["plan"])
        #expect(replan.stdout.contains("Download \(server.url("conf")) again to ~/app.conf"), "\(replan.stdout)")
        #expect(replan.stdout.contains("kept in backups first"), "\(replan.stdout)")
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        let list = try await tend.run(["backups", "list", "download:~/app.conf", "--json"])
        let kept = try #require(JSON.parse(list.stdout).arrayValue, "\(list.stdout)")
        #expect(kept.contains { $0["digest"]?.stringValue == SHA256.digest(Array("downloaded\nand edited\n".utf8)) })

        // Leaving the config puts the user's original back, since the file is still exactly tend's download.
        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let release = try await tend.run(["apply", "--yes"])
        #expect(release.status == 0, "\(release.stdout)\(release.stderr)")
        #expect(try String(contentsOfFile: home.path + "/app.conf", encoding: .utf8) == "the user's own\n")
    }
}
