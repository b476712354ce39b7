import Foundation
import Testing
import TendCore
import TendTestSupport

/// `ConsoleInteraction` on a real pseudo-terminal: the plan is shown, and only a typed "yes" applies it.
@Suite struct ConsoleInteractionTests {
    static let config = "tend: 1\nresources:\n  - {type: file, path: ~/asked.txt, content: \"asked\\n\"}\n"

    @Test(arguments: ["no\n", "y\n", "YES please\n", "\n"])
    func anythingButYesChangesNothing(typed: String) async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config)
        let tend = try BuiltTend(home: home)
        let result = try await tend.runOnTerminal(["apply"], typed: typed)
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stdout.contains("Apply these changes? Only 'yes' is accepted:"), "\(result.stdout)")
        #expect(result.stdout.contains("Nothing was changed."), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/asked.txt"))
    }

    @Test func yesAppliesThePlanItShowed() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config)
        let tend = try BuiltTend(home: home)
        let result = try await tend.runOnTerminal(["apply"], typed: "yes\n")
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("file:~/asked.txt"), "the plan names the change\n\(result.stdout)")
        #expect(FileSystem().readText(home.path + "/asked.txt") == "asked\n")
    }
}
