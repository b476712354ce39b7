import Foundation
import TendCore

/// Applying `git-config`: git itself sets and unsets the key (`git config --global -- KEY VALUE`), so the file
/// gets git's section layout and git's lock.
///
/// git writes where refresh reads: `$GIT_CONFIG_GLOBAL` when it is set, else `~/.gitconfig` when it exists, else
/// the XDG file when that exists. Refresh reads the XDG file and then `~/.gitconfig`, the later winning, so the
/// value git sets is the one refresh sees. Unsetting differs: once `~/.gitconfig` loses the key, a value in the
/// XDG file would show through, so destroy also unsets the key in every other global file that still holds it
/// (`git config --file FILE --unset-all -- KEY`): after a destroy, git no longer sees the key at all.
///
/// Rule 1: the value a key had before tend first set it is kept in backups (a `value` backup); a value changed
/// outside tend since tend's last write is kept before tend overwrites or unsets it. A release puts the original
/// back only while the key still holds exactly what tend set; otherwise the key is left as it is.
///
/// A sensitive value never enters argv (which any local user reads in `/proc`): git sets a random placeholder,
/// and tend then swaps the placeholder for the quoted value in the file git wrote, through a temporary file
/// and a rename. Whole files are never put back: they hold other keys, whose changes that would undo.
extension GitConfigResource {
    /// git locks the config file while it writes; two writers at once make one fail.
    public var lockGroup: String? { "git-config" }

    /// A release may give a key its original value back, which takes git, not a file copy.
    public var putsBackItself: Bool { true }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        await applyOneByOne(requests, failure: { Self.failure($1, request: $0) }) { try await apply($0, context: context) }
    }

    private func apply(_ request: ChangeRequest, context: ApplyContext) async throws -> ChangeResult {
        let host = context.host
        let key = request.resource.parameters["key"]?.stringValue ?? request.address.key
        guard GitConfigFile.canonicalKey(key) != nil else {
            throw ApplyFailure("'\(key)' is not a git config key (write section.name)")
        }
        let current = try Self.globalConfig(host: host).value(for: key)
        switch request.operation {
        case .create, .modify, .recreate:
            guard let value = request.value("value", schema: schema)?.text else {
                throw ApplyFailure("git config \(key) has no value to set")
            }
            try keepCurrent(current, key: key, request: request, context: context)
            try await set(key, to: value, sensitive: request.resource.isSensitive("value"), host: host)
            return ChangeResult(written: PathFootprint.value(value))
        case .destroy:
            try keepCurrent(current, key: key, request: request, context: context)
            try await unsetEverywhere(key, host: host)
        case .release:
            try await putBackOriginal(key, current: current, request: request, context: context)
        }
        return ChangeResult()
    }

    /// Rule 1 before a value is overwritten or unset: the first value tend replaces is kept as the original, a
    /// value set outside tend since tend's last write as an edit; tend's own value goes without a copy.
    private func keepCurrent(_ current: String?, key: String, request: ChangeRequest, context: ApplyContext) throws {
        guard let current, let backups = context.backups else { return }
        let label = "git config \(key)"
        if let last = try backups.lastWrite(request.address) {
            if backups.stored(PathFootprint.value(current)) != last.digest {
                try backups.keepValue(current, label: label, for: request.address, reason: .editedOutsideTend)
            }
        } else {
            try backups.keepValue(current, label: label, for: request.address, reason: .original)
        }
    }

    /// Gives the key the value it had before tend, when it still holds exactly what tend set.
    private func putBackOriginal(_ key: String, current: String?, request: ChangeRequest, context: ApplyContext) async throws {
        guard let backups = context.backups,
              let original = try backups.originals(request.address).last(where: { $0.kind == .value }),
              let last = try backups.lastWrite(request.address),
              backups.stored(PathFootprint.value(current)) == last.digest else { return }
        let bytes = try backups.contents(of: original)
        guard let value = String(validating: bytes, as: UTF8.self) else {
            throw ApplyFailure("the kept original of git config \(key) is not text")
        }
        // Always by placeholder: a resource that left the config no longer says whether its value was a secret,
        // and the put-back's command is recorded in the run's report.
        try await set(key, to: value, sensitive: true, host: context.host)
        try backups.discard(original)
        context.log("\(request.address): put back the original value")
    }

    private func set(_ key: String, to value: String, sensitive: Bool, host: Machine) async throws {
        let environment = Self.gitEnvironment(host: host)
        let placeholder = sensitive ? "tend-placeholder-" + (0..<4).map { _ in
            String(UInt32.random(in: 0...UInt32.max), radix: 16) }.joined() : nil
        let command = Command(["git", "config", "--global", "--", key, placeholder ?? value], environment: environment,
                              timeout: Self.timeout)
        try await host.runner.run(command).check()
        if let placeholder { try Self.replace(placeholder, with: value, host: host) }
    }

    /// Swaps the placeholder git wrote for the value, quoted as git reads it back, in whichever global file
    /// holds it; the file is replaced through a temporary name, keeping its mode.
    private static func replace(_ placeholder: String, with value: String, host: Machine) throws {
        var quoted = "\""
        for character in value.unicodeScalars {
            switch character {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            default: quoted.unicodeScalars.append(character)
            }
        }
        quoted += "\""
        for path in globalFiles(host: host) {
            guard let bytes = host.files.read(path), let text = String(validating: bytes, as: UTF8.self),
                  text.contains(placeholder) else { continue }
            let mode = host.files.status(path)?.mode ?? 0o644
            try AtomicFile.write(Array(text.replacingOccurrences(of: placeholder, with: quoted).utf8), to: path, mode: mode)
            return
        }
        throw ApplyFailure("git did not write the value where tend reads it")
    }

    private func unsetEverywhere(_ key: String, host: Machine) async throws {
        let environment = Self.gitEnvironment(host: host)
        try await unset(key, arguments: ["--global"], host: host, environment: environment)
        // A key in the XDG file shows through once ~/.gitconfig no longer has it.
        for path in Self.globalFiles(host: host) {
            if try Self.holds(key, path: path, host: host) {
                try await unset(key, arguments: ["--file", path], host: host, environment: environment)
            }
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
        let verb: String
        switch request.operation {
        case .destroy: verb = "unset"
        case .release: verb = "put back the original of"
        default: verb = "set"
        }
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
