import Foundation
import Testing
import TendCore
import TendTestSupport

/// The font type through the built binary: a real font (one of Debian's DejaVu files) served on 127.0.0.1 and a
/// local copy, placed in the temporary HOME's font directory; the real fc-cache then makes fc-list find it there.
@Suite(.enabled(if: LocalHTTPServer.unavailableReason == nil, "\(LocalHTTPServer.unavailableReason ?? "")"),
       .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/fc-cache"), "fc-cache is not installed (CI installs fontconfig)"),
       .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), "DejaVuSans.ttf is missing (CI installs fonts-dejavu-core)"))
struct FontEndToEndTests {
    static let sample = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

    @Test func fontsArePlacedCachedOnceAndRemoved() async throws {
        let server = try LocalHTTPServer.start()
        let bytes = try #require(FileManager.default.contents(atPath: Self.sample))
        try server.put("TendSans.ttf", Array(bytes))
        let digest = String(SHA256.digest(Array(bytes)).dropFirst("sha256:".count))
        let home = try TemporaryHome(prefix: "tend-font")
        let tend = TendBinary(home: home, environment: ["XDG_CACHE_HOME": home.path + "/.cache"])
        try FileManager.default.createDirectory(atPath: home.path + "/fonts", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.sample, toPath: home.path + "/fonts/Local.ttf")
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: font
                name: TendSans.ttf
                url: \(server.url("TendSans.ttf"))
                sha256: \(digest)
              - type: font
                name: TendLocal.ttf
                source: ./fonts/Local.ttf
            """)
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let fonts = home.path + "/.local/share/fonts"
        #expect(FileManager.default.contents(atPath: fonts + "/TendSans.ttf") == bytes)
        #expect(FileManager.default.contents(atPath: fonts + "/TendLocal.ttf") == bytes)
        #expect(try await tend.run(["plan", "--detailed-exitcode"]).status == 0)

        // fc-cache ran for the home's font directory: fontconfig lists the files from there.
        let runner = SystemProcessRunner(baseEnvironment: tend.environment, useSudo: false)
        let listed = try await runner.run(Command(["fc-list", "--", ":", "file"], timeout: 120)).output
        #expect(listed.contains(fonts + "/TendSans.ttf"), "\(listed)")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let remove = try await tend.run(["apply", "--yes"])
        #expect(remove.status == 0, "\(remove.stdout)\(remove.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fonts + "/TendSans.ttf"))
        #expect(!FileManager.default.fileExists(atPath: fonts + "/TendLocal.ttf"))
    }
}
