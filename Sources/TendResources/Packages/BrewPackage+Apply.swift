import Foundation
import TendCore

/// Apply for Homebrew: one `brew install NAME...` for the new formulae of a batch (`--cask` for casks), one
/// `brew upgrade NAME...` for version changes, one `brew uninstall NAME...` for removals, under the brew lock
/// group and never as root (Homebrew refuses root). brew checks every name before it installs anything, so a
/// name no tap knows fails alone and the rest is installed by one more call.
extension BrewPackage {
    public var batchSize: Int { 50 }

    public var lockGroup: String? { "brew" }

    static let missingMessage = "brew is not installed; install Homebrew first (https://brew.sh)"

    /// One brew call's worth of changes: what it does, and to formulae or casks.
    private struct Group: Hashable {
        enum Verb: String { case install, upgrade, uninstall }
        var verb: Verb
        var cask: Bool

        var arguments: [String] { [verb.rawValue] + (cask ? ["--cask"] : []) }
    }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        var groups: [Group: [ChangeRequest]] = [:]
        var order: [Group] = []
        for request in requests {
            let verb: Group.Verb
            switch request.operation {
            case .release:
                outcomes[request.address] = .success(ChangeResult())
                continue
            case .destroy: verb = .uninstall
            case .modify: verb = .upgrade
            // The cask flag is not modifiable, but refresh finds a package only in the listing of its own
            // kind, so a recreate is an install of the wanted kind.
            case .create, .recreate: verb = .install
            }
            if let problem = Self.nameProblem(PackageMessages.name(of: request.resource)) {
                outcomes[request.address] = .failure(ApplyFailure(problem))
                continue
            }
            let group = Group(verb: verb, cask: request.value("cask", schema: schema)?.boolValue ?? false)
            if groups[group] == nil { order.append(group) }
            groups[group, default: []].append(request)
        }
        for group in order {
            outcomes.merge(await run(group, groups[group]!, context: context)) { _, new in new }
        }
        return outcomes
    }

    /// Why brew must not be given `name`, or nil; `validate` asks the same. A formula or cask name, optionally
    /// tap-qualified (`user/repo/name`): letters, digits and `@ + . _ -`, each part starting with a letter or
    /// digit, so that brew can never read it as an option or a path.
    static func nameProblem(_ name: String) -> String? {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        let fits = (parts.count == 1 || parts.count == 3) && parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, isAlphanumeric(first) else { return false }
            return part.unicodeScalars.allSatisfy { isAlphanumeric($0) || "@+._-".unicodeScalars.contains($0) }
        }
        if fits { return nil }
        return "'\(name)' is not a Homebrew formula or cask name (letters, digits, '@', '+', '.', '_', '-', "
            + "optionally as user/repo/name), so tend does not pass it to brew"
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// Runs brew from PATH, else from the first place Homebrew installs itself that exists, as refresh does.
    private func brew(_ arguments: [String], names: [String], timeout: Double?,
                      context: ApplyContext) async -> Result<CommandResult, ApplyFailure> {
        let fallback = fallbackExecutables.first { context.host.files.status($0)?.kind == .file }
        for executable in ["brew"] + (fallback.map { [$0] } ?? []) {
            guard let argv = ArgumentSafety.brew(executable, arguments, names: names) else {
                return .failure(ApplyFailure("tend will not pass \(names.joined(separator: ", ")) to brew: "
                                             + "a name starts with '-' (internal error: the name check missed it)"))
            }
            do {
                return .success(try await context.host.runner.run(Command(argv, timeout: timeout)))
            } catch CommandError.launchFailed {
                continue
            } catch {
                return .failure(ApplyFailure(error: error))
            }
        }
        return .failure(ApplyFailure(Self.missingMessage))
    }

    private func run(_ group: Group, _ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        var pending = requests
        let timeout = requests.compactMap(\.resource.timeout).max()
        // Each failed pass drops at least one name brew does not know (or, for uninstall, has not installed).
        while !pending.isEmpty {
            var names: [String] = []
            for request in pending where !names.contains(PackageMessages.name(of: request.resource)) {
                names.append(PackageMessages.name(of: request.resource))
            }
            let result: CommandResult
            switch await brew(group.arguments, names: names, timeout: timeout, context: context) {
            case .success(let ran): result = ran
            case .failure(let failure): return Self.failing(pending, outcomes, with: failure)
            }
            if result.succeeded { break }

            let text = result.output + "\n" + result.errorOutput
            let list = names.joined(separator: ", ")
            if Self.isLockHeld(text) {
                return Self.failing(pending, outcomes, with: ApplyFailure(
                    "another brew process is running, so brew could not \(group.verb.rawValue) \(list): "
                        + "\(CommandError.failed(result))", retryable: true))
            }
            if Self.isNetworkFailure(text) {
                return Self.failing(pending, outcomes, with: ApplyFailure(
                    "brew could not download what it needs to \(group.verb.rawValue) \(list): "
                        + "\(CommandError.failed(result))",
                    retryable: true))
            }
            let named = Self.namesInMessages(text, candidates: names, markers: group.verb == .uninstall
                                                ? Self.notInstalledMarkers : Self.unknownMarkers)
            let dropped = pending.filter { named.contains(PackageMessages.name(of: $0.resource)) }
            guard !dropped.isEmpty else {
                return Self.failing(pending, outcomes, with: ApplyFailure(
                    "brew could not \(group.verb.rawValue) \(list): \(CommandError.failed(result))"))
            }
            for request in dropped {
                let name = PackageMessages.name(of: request.resource)
                // An uninstall of what is not installed has nothing left to do.
                let noun = group.cask ? "cask" : "formula"
                outcomes[request.address] = group.verb == .uninstall ? .success(ChangeResult()) : .failure(ApplyFailure(
                    "no \(noun) named '\(name)' in Homebrew's taps: \(CommandError.failed(result))"))
            }
            let addresses = Set(dropped.map(\.address))
            pending.removeAll { addresses.contains($0.address) }
        }
        guard !pending.isEmpty else { return outcomes }
        guard group.verb != .uninstall else {
            for request in pending { outcomes[request.address] = .success(ChangeResult()) }
            return outcomes
        }

        // Homebrew installs the newest version only, so a pin it cannot meet is said plainly here rather than
        // left to the executor's "did not converge".
        let observed = (try? await refresh(pending.map(\.resource), host: context.host)) ?? [:]
        for request in pending {
            let version = observed[request.address]?.parameters["version"]
            if let pin = PackageMessages.pin(of: request.resource), let version,
               !VersionPattern(pin).matches(version.text) {
                let name = PackageMessages.name(of: request.resource)
                let major = pin.prefix { $0 != "." && $0 != "*" }
                outcomes[request.address] = .failure(ApplyFailure(
                    "Homebrew installed \(name) \(version.text), which does not match '\(pin)': brew installs only the "
                        + "newest version; use a versioned formula (such as \(name)@\(major)) or change the pin"))
                continue
            }
            outcomes[request.address] = .success(ChangeResult(outputs: version.map { ["version": $0] } ?? [:]))
        }
        return outcomes
    }

    // MARK: - brew's messages

    /// Lines that say a name is unknown: `No available formula with the name "x"`, `No formulae or casks found
    /// for x.`, `Cask 'x' is unavailable: No Cask with this name exists.`
    static let unknownMarkers = ["No available formula", "No available cask", "No formulae or casks found",
                                 "No formulae found", "No casks found", "is unavailable"]

    /// Lines that say a name is not installed: `No such keg: /opt/homebrew/Cellar/x`, `Cask 'x' is not installed.`
    static let notInstalledMarkers = ["No such keg", "is not installed", "No installed keg or cask"]

    /// The candidates that a line with one of `markers` names, quoted, as the last path part, or as a word.
    static func namesInMessages(_ output: String, candidates: [String], markers: [String]) -> Set<String> {
        var named: Set<String> = []
        for line in output.split(separator: "\n").map(String.init) where markers.contains(where: line.contains) {
            let words = Set(line.split(whereSeparator: { " \"'`:,/".contains($0) })
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".")) })
            for candidate in candidates {
                let short = candidate.split(separator: "/").last.map(String.init) ?? candidate
                if words.contains(candidate) || words.contains(short) || line.contains("\"\(candidate)\"") {
                    named.insert(candidate)
                }
            }
        }
        return named
    }

    /// Another brew holds its lock; it lets go in time.
    static func isLockHeld(_ output: String) -> Bool {
        ["has already locked", "Another active Homebrew", "is already running", "Another `brew"]
            .contains { output.contains($0) }
    }

    /// A download failed in a way a later try may not: time-outs and name resolution.
    static func isNetworkFailure(_ output: String) -> Bool {
        ["Could not resolve host", "curl: (6)", "curl: (7)", "curl: (28)", "Operation timed out",
         "Failed to connect", "Connection timed out"].contains { output.contains($0) }
    }

    private static func failing(_ requests: [ChangeRequest], _ outcomes: ChangeOutcomes,
                                with failure: ApplyFailure) -> ChangeOutcomes {
        var outcomes = outcomes
        for request in requests { outcomes[request.address] = .failure(failure) }
        return outcomes
    }
}
