import Foundation
import Testing
import TendCore
import TendTestSupport

/// `tend destroy` through the built binary: named resources go, others stay; `--all` puts back what tend
/// overwrote.
@Suite struct DestroyCommandTests {
    @Test func destroyRemovesOnlyTheNamedResource() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - {type: file, path: ~/gone.txt, content: "gone\\n"}
              - {type: file, path: ~/kept.txt, content: "kept\\n"}
            """)
        let tend = try BuiltTend(home: home)
        let apply = try await tend.run(["apply", "--yes"])
        try #require(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let destroy = try await tend.run(["destroy", "file:~/gone.txt", "--yes"])
        #expect(destroy.status == 0, "\(destroy.stdout)\n\(destroy.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/gone.txt"))
        #expect(FileSystem().readText(home.path + "/kept.txt") == "kept\n")
        let list = try await tend.run(["state", "list"])
        #expect(!list.stdout.contains("file:~/gone.txt"), "\(list.stdout)")
        #expect(list.stdout.contains("file:~/kept.txt"), "\(list.stdout)")
    }

    @Test func destroyAllPutsBackTheFileTendOverwrote() async throws {
        let home = try TemporaryHome()
        try home.write("mine.txt", "the user's words\n")
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - {type: file, path: ~/mine.txt, content: "tend's words\\n"}
              - {type: file, path: ~/new.txt, content: "new\\n"}
            """)
        let tend = try BuiltTend(home: home)
        let apply = try await tend.run(["apply", "--yes"])
        try #require(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(FileSystem().readText(home.path + "/mine.txt") == "tend's words\n")
        let destroy = try await tend.run(["destroy", "--all", "--yes"])
        #expect(destroy.status == 0, "\(destroy.stdout)\n\(destroy.stderr)")
        #expect(FileSystem().readText(home.path + "/mine.txt") == "the user's words\n")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/new.txt"))
    }

    @Test func anAddressThatIsNotOneIsAUsageError() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", "tend: 1\nresources:\n  - {type: file, path: ~/a.txt, content: \"a\\n\"}\n")
        let tend = try BuiltTend(home: home)
        let result = try await tend.run(["destroy", "no-colon-here", "--yes"])
        #expect(result.status == 64, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("'no-colon-here' is not an address: write TYPE:KEY"), "\(result.stderr)")
    }
}
