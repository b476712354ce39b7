import Foundation
import Testing
import TendCore
import TendTestSupport

/// The archive type through the built binary against a real HTTP server on 127.0.0.1, with the real tar and
/// unzip: archives made by Python's tarfile and zipfile (which also write the hostile members GNU tar would not).
@Suite(.enabled(if: LocalHTTPServer.unavailableReason == nil, "\(LocalHTTPServer.unavailableReason ?? "")"),
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is not installed (CI installs it)"),
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/unzip"), "unzip is not installed (CI installs it)"))
struct FetchArchiveEndToEndTests {
    /// Runs a Python script that writes an archive to argv[1]; each member is (name, kind, data-or-target, mode).
    static func makeArchive(_ path: String, members: [(String, String, String, Int)]) throws {
        let script = """
            import io, sys, tarfile, zipfile, json
            path = sys.argv[1]
            members = json.loads(sys.argv[2])
            if path.endswith('.zip'):
                with zipfile.ZipFile(path, 'w') as z:
                    for name, kind, data, mode in members:
                        info = zipfile.ZipInfo(name)
                        info.external_attr = (mode | (0o040000 if kind == 'dir' else 0o100000)) << 16
                        z.writestr(info, '' if kind == 'dir' else data)
            else:
                with tarfile.open(path, 'w:gz' if path.endswith('.tar.gz') else 'w:xz') as t:
                    for name, kind, data, mode in members:
                        info = tarfile.TarInfo(name)
                        info.mode = mode
                        if kind == 'dir':
                            info.type = tarfile.DIRTYPE
                            t.addfile(info)
                        elif kind == 'link':
                            info.type = tarfile.SYMTYPE
                            info.linkname = data
                            t.addfile(info)
                        else:
                            raw = data.encode()
                            info.size = len(raw)
                            t.addfile(info, io.BytesIO(raw))
            """
        let json = "[" + members.map { "[\(quoted($0.0)), \(quoted($0.1)), \(quoted($0.2)), \($0.3)]" }.joined(separator: ", ") + "]"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path, json]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 could not write \(path)")
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    static func digest(_ path: String) throws -> String {
        let bytes = try #require(FileManager.default.contents(atPath: path))
        return String(SHA256.digest(Array(bytes)).dropFirst("sha256:".count))
    }

    static func config(directory: String, url: String, sha256: String, strip: Int = 0) -> String {
        "tend: 1\nresources:\n  - type: archive\n    directory: \(directory)\n    url: \(url)\n    sha256: \(sha256)\n"
            + (strip > 0 ? "    stripComponents: \(strip)\n" : "")
    }

    static func text(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    @Test func aTarballIsUnpackedStrippedKeptAndRemovedUnderRuleOne() async throws {
        let server = try LocalHTTPServer.start()
        let archive = server.root + "/tool-1.0.tar.gz"
        try Self.makeArchive(archive, members: [
            ("tool-1.0", "dir", "", 0o755), ("tool-1.0/bin", "dir", "", 0o755),
            ("tool-1.0/bin/tool", "file", "#!/bin/sh\necho tool\n", 0o4755),
            ("tool-1.0/README", "file", "read me\n", 0o644), ("tool-1.0/latest", "link", "bin/tool", 0o777),
        ])
        let home = try TemporaryHome(prefix: "tend-archive")
        let tend = TendBinary(home: home)
        let url = server.url("tool-1.0.tar.gz")
        try home.write("tend.yaml", Self.config(directory: "~/opt/tool", url: url, sha256: try Self.digest(archive), strip: 1))

        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("Unpack \(url) into ~/opt/tool"), "\(apply.stdout)")
        let root = home.path + "/opt/tool"
        #expect(Self.text(root + "/bin/tool") == "#!/bin/sh\necho tool\n")
        // Stripped of its set-user-ID bit: a download never brings one.
        #expect((try FileManager.default.attributesOfItem(atPath: root + "/bin/tool")[.posixPermissions] as? Int) == 0o755)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/latest") == "bin/tool")
        #expect(!FileManager.default.fileExists(atPath: root + "/tool-1.0"))
        #expect(try await tend.run(["plan", "--detailed-exitcode"]).status == 0)

        // The user edits a file tend placed and adds one: the plan unpacks again, keeping the edit first.
        try home.write("opt/tool/README", "my notes instead\n")
        try home.write("opt/tool/mine.txt", "added by the user\n")
        let drift = try await tend.run(["plan"])
        #expect(drift.stdout.contains("1 of the files tend unpacked was changed or removed; changed ones are kept in backups first"),
                "\(drift.stdout)")
        #expect(try await tend.run(["apply", "--yes"]).status == 0)
        #expect(Self.text(root + "/README") == "read me\n")
        let list = try await tend.run(["backups", "list", "archive:~/opt/tool", "--json"])
        let kept = try #require(JSON.parse(list.stdout).arrayValue, "\(list.stdout)")
        #expect(kept.contains { $0["digest"]?.stringValue == SHA256.digest(Array("my notes instead\n".utf8)) }, "\(list.stdout)")

        // Removal deletes what tend placed and is unchanged; the user's added and edited files stay.
        try home.write("opt/tool/README", "edited again\n")
        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let remove = try await tend.run(["apply", "--yes"])
        #expect(remove.status == 0, "\(remove.stdout)\(remove.stderr)")
        #expect(remove.stdout.contains("Remove what tend unpacked into ~/opt/tool (files added or changed since stay)"), "\(remove.stdout)")
        #expect(!FileManager.default.fileExists(atPath: root + "/bin/tool"))
        #expect(!FileManager.default.fileExists(atPath: root + "/bin"))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/latest")) == nil)
        #expect(Self.text(root + "/README") == "edited again\n")
        #expect(Self.text(root + "/mine.txt") == "added by the user\n")
    }

    @Test func aZipIsUnpackedAndRemovedWhole() async throws {
        let server = try LocalHTTPServer.start()
        let archive = server.root + "/fonts.zip"
        try Self.makeArchive(archive, members: [("docs/", "dir", "", 0o755), ("docs/a.txt", "file", "alpha\n", 0o644),
                                                ("b.txt", "file", "beta\n", 0o600)])
        let home = try TemporaryHome(prefix: "tend-archive-zip")
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", Self.config(directory: "~/z", url: server.url("fonts.zip"), sha256: try Self.digest(archive)))
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(Self.text(home.path + "/z/docs/a.txt") == "alpha\n")
        #expect(Self.text(home.path + "/z/b.txt") == "beta\n")
        #expect(try await tend.run(["plan", "--detailed-exitcode"]).status == 0)
        let destroy = try await tend.run(["destroy", "--all", "--yes"])
        #expect(destroy.status == 0, "\(destroy.stdout)\(destroy.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/z"))
    }

    @Test(arguments: [
        ("up.tar.gz", [("../evil", "file", "x", 0o644)], "climbs out of the archive"),
        ("abs.tar.gz", [("/tmp/tend-absolute-evil", "file", "x", 0o644)], "has an absolute path"),
        ("up.zip", [("a/../../evil", "file", "x", 0o644)], "climbs out of the archive"),
        ("link.tar.gz", [("d", "dir", "", 0o755), ("d/out", "link", "../../..", 0o777)], "leads outside the directory"),
        ("abslink.tar.gz", [("etc", "link", "/etc", 0o777)], "is absolute"),
        ("hop.tar.gz", [("here", "link", ".", 0o777), ("out", "link", "here/..", 0o777)], "goes through another link"),
    ])
    func aHostileArchiveIsRefusedBeforeAnythingIsPlaced(name: String, members: [(String, String, String, Int)],
                                                         reason: String) async throws {
        let server = try LocalHTTPServer.start()
        let archive = server.root + "/" + name
        try Self.makeArchive(archive, members: members)
        let home = try TemporaryHome(prefix: "tend-archive-bad")
        let tend = TendBinary(home: home)
        try home.write("tend.yaml", Self.config(directory: "~/target/inner", url: server.url(name), sha256: try Self.digest(archive)))
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 1)
        #expect((apply.stdout + apply.stderr).contains(reason), "\(apply.stdout)\(apply.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/target"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/evil"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/tend-absolute-evil"))
    }
}
