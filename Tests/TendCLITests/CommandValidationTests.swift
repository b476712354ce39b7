import ArgumentParser
import Testing
@testable import TendCLI

/// The argument rules of `destroy` and `recover`, checked in-process on the parsed command tree: a wrong
/// combination is a usage error that says what to write instead.
@Suite struct CommandValidationTests {
    /// The message ArgumentParser would print for `arguments`, or nil when they parse and validate.
    static func usageError(_ arguments: [String]) -> String? {
        do {
            _ = try Tend.parseAsRoot(arguments)
            return nil
        } catch {
            return Tend.message(for: error)
        }
    }

    @Test(arguments: [
        (["destroy"], "name the resources to destroy, or pass --all"),
        (["destroy", "--all", "file:~/a"], "give addresses or --all, not both"),
        (["recover", "3f9c2a81b0de"], "say how to resolve it: --retry, --done or --forget"),
        (["recover", "--retry"], "name the failed change's token (run 'tend recover' to list them)"),
        (["recover", "--all"], "--all goes with --forget and no token"),
        (["recover", "3f9c2a81b0de", "--forget", "--all"], "--all goes with --forget and no token"),
    ])
    func wrongCombinationsAreUsageErrors(arguments: [String], message: String) {
        #expect(Self.usageError(arguments) == message, "tend \(arguments.joined(separator: " "))")
    }

    @Test(arguments: [
        ["destroy", "file:~/a", "apt:sl"], ["destroy", "--all"], ["recover"], ["recover", "3f9c2a81b0de", "--retry"],
        ["recover", "3f9c2a81b0de", "--done"], ["recover", "--forget", "--all"],
    ])
    func rightCombinationsParse(arguments: [String]) {
        #expect(Self.usageError(arguments) == nil, "tend \(arguments.joined(separator: " "))")
    }

    @Test func retryAndForgetAreExclusive() {
        let message = Self.usageError(["recover", "3f9c2a81b0de", "--retry", "--forget"])
        #expect(message != nil)
    }
}
