import Foundation
import TendCore

/// Applying `git-config`: git itself sets and unsets the key (`git config --global -- KEY VALUE`), so the file
/// gets git's quoting and git's lock; tend never edits a git config file as text.
///
/// git writes where refresh reads: `$GIT_CONFIG_GLOBAL` when it is set, else `~/.gitconfig` when it exists, else
/// the XDG file when that exists. Refresh reads the XDG file and then `~/.gitconfig`, the later winning, so the
/// value git sets is the one refresh sees. Unsetting differs: once `~/.gitconfig` loses the key, a value in the
/// XDG file would show through, so destroy also unsets the key in every other global file that still holds it
/// (`git config --file FILE --unset-all -- KEY`): after a destroy, git no longer sees the key at all.
///
/// No file backup is kept: the files hold other keys, and putting a whole file back would undo their changes
/// as well; the plan shows the value a key had before.
extension GitConfigResource {
    /// git locks the config file while it writes; two writers at once make one fail.
    public var lockGroup: String? { "git-config" }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        for request in requests {
            do {
                try await apply(request, context: context)
                outcomes[request.address] = .success(ChangeResult())
            } catch {
                outcomes[request.address] = .failure(Self.failure(error, request: request))
            }
        }
        return outcomes
    }

    private func apply(_ request: ChangeRequest, context: ApplyContext) async throws {
        let host = context.host
        let key = request.resource.parameters["key"]?.stringValue ?? request.address.key
        guard GitConfigFile.canonicalKey(key) != nil else {
            throw ApplyFailure("'\(key)' is not a git config key (write section.name)")
        }
        let environment = Self.gitEnvironment(host: host)
        switch request.operation {
        case .create, .modify, .recreate:
            guard let value = request.value("value", schema: schema)?.text else {
                throw ApplyFailure("git config \(key) has no value to set")
            }
            var command = Command(["git", "config", "--global", "--", key, value], environment: environment,
                                  timeout: Self.timeout)
            if request.resource.isSensitive("value") { command.sensitiveArguments = [5] }
            try await host.runner.run(command).check()
        case .destroy:
            try await unset(key, arguments: ["--global"], host: host, environment: environment)
            // A key in the XDG file shows through once ~/.gitconfig no longer has it.
            for path in Self.globalFiles(host: host) {
                if try Self.holds(key, path: path, host: host) {
                    try await unset(key, arguments: ["--file", path], host: host, environment: environment)
                }
            }
        case .release:
            break
        }
    }

    private func unset(_ key: String, arguments: [String], host: Machine, environment: [String: String]) async throws {
        let command = Command(["git", "config"] + arguments + ["--unset-all", "--", key], environment: environment,
                              timeout: Self.timeout)
        let result = try await host.runner.run(command)
        // 5: the key was not set, which is what destroy wants.
        if result.status != 5 { try result.check() }
    }

    private static func holds(_ key: String, path: String, host: Machine) throws -> Bool {
        guard let bytes = host.files.read(path) else { return false }
        return try GitConfigFile(parsing: bytes, path: path).entry(for: key) != nil
    }

    /// Seconds a `git config` may run: it only reads and writes one small file.
    static let timeout: Double = 60

    /// The variables every git command gets, so that git reads and writes the global files refresh reads:
    /// `HOME`, and `GIT_CONFIG_GLOBAL` (made absolute) and `XDG_CONFIG_HOME` when the host's environment sets them.
    static func gitEnvironment(host: Machine) -> [String: String] {
        var environment = ["HOME": host.home]
        if host.facts.environment["GIT_CONFIG_GLOBAL"] != nil, let path = globalFiles(host: host).first {
            environment["GIT_CONFIG_GLOBAL"] = path
        }
        if host.facts.environment["XDG_CONFIG_HOME"] != nil {
            environment["XDG_CONFIG_HOME"] = host.configHome
        }
        return environment
    }

    private static func failure(_ error: any Error, request: ChangeRequest) -> ApplyFailure {
        let key = request.address.key
        let verb = request.operation == .destroy ? "unset" : "set"
        if let failure = error as? ApplyFailure {
            return ApplyFailure("could not \(verb) git config \(key): \(failure.message)", retryable: failure.retryable)
        }
        // Another git holding the config file's lock lets go within moments.
        var retryable = false
        if case .failed(let result)? = error as? CommandError {
            retryable = result.errorOutput.contains("could not lock config file")
        } else {
            retryable = ApplyFailure(error: error).retryable
        }
        return ApplyFailure("could not \(verb) git config \(key): \(error)", retryable: retryable)
    }
}
