import Foundation
import Testing
import TendCore
import TendTestSupport
import TendYAML
@testable import TendFleet

/// The bundle is read back by the real `tar`, as each host does.
@Suite struct FleetBundleTests {
    @Test func theArchiveHoldsTheConfigDirectoryAndTheHostsOwnRootFileOnly() async throws {
        let home = try TemporaryHome()
        try home.write("config/tend.yaml", "tend: 1\ninclude: [more/base.yaml]\n")
        try home.write("config/more/base.yaml", "resources: []\n")
        try home.write("config/dotfiles/" + String(repeating: "long-directory-name/", count: 6) + "vimrc", "set nu\n")
        try home.write("config/.git/HEAD", "ref: refs/heads/main\n")
        try home.write("config/fleet.yaml", "hosts: {}\n")
        #expect(symlink("/etc/passwd", home.path + "/config/link") == 0)
        let bundle = try FleetBundle(configPath: home.path + "/config/tend.yaml",
                                     excluding: [home.path + "/config/fleet.yaml"])
        let host = FleetHost(name: "web1", destination: SSHDestination(host: "web1"), groups: ["servers"],
                             variables: [Pair(.scalar("role"), .scalar("it's web")), Pair(.scalar("ports"),
                                         .sequence([.scalar("80"), .scalar("443")]))],
                             location: SourceLocation(file: "fleet.yaml", mark: .start))
        let archive = try bundle.archive(for: host)
        let out = home.path + "/out"
        mkdir(out, 0o700)
        let tar = try await SystemProcessRunner(useSudo: false).run(Command(["tar", "-x", "-f", "-", "-C", out],
                                                                             input: archive, timeout: 60))
        #expect(tar.succeeded, "\(tar.errorOutput)")
        let files = FileManager.default.enumerator(atPath: out)?.compactMap { $0 as? String }.sorted() ?? []
        let deep = "dotfiles/" + String(repeating: "long-directory-name/", count: 6) + "vimrc"
        #expect(files.contains(deep))
        #expect(try String(contentsOfFile: out + "/" + deep, encoding: .utf8) == "set nu\n")
        #expect(files.contains("more/base.yaml"))
        #expect(files.contains(FleetBundle.hostFileName))
        #expect(!files.contains { $0.hasPrefix(".git") || $0 == "fleet.yaml" || $0 == "link" })
        let root = try String(contentsOfFile: out + "/" + FleetBundle.hostFileName, encoding: .utf8)
        let parsed = try #require(try Parser().parse(bytes: Array(root.utf8)))
        #expect(parsed["include"]?.sequence?.first?.scalar?.value == "tend.yaml")
        #expect(parsed["vars"]?["role"]?.scalar?.value == "it's web")
        #expect(parsed["vars"]?["ports"]?.sequence?.count == 2)
    }

    @Test func anIncludeOutsideTheDirectoryIsRefusedByName() throws {
        let home = try TemporaryHome()
        try home.write("config/tend.yaml", "tend: 1\n")
        let bundle = try FleetBundle(configPath: home.path + "/config/tend.yaml")
        #expect(throws: FleetError.bundle("the config includes '\(home.path)/shared.yaml', outside \(home.path)/config; "
                                          + "a fleet ships the config's directory only: move the file into it")) {
            try bundle.checkContains([home.path + "/config/tend.yaml", home.path + "/shared.yaml"])
        }
    }
}
