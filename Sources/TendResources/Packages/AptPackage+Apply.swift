import Foundation
import TendCore

/// Apply for apt: every install of a batch in one `apt-get install`, every removal in one `apt-get remove`,
/// as root and under the dpkg lock group. Version patterns are resolved to a concrete version from one
/// `apt-cache madison` query, so that apt installs exactly a version the pattern matches. A package apt does
/// not know earns one `apt-get update` and one more try; after that only the unknown packages fail and the
/// rest of the batch is installed without them.
extension AptPackage {
    public var batchSize: Int { 100 }

    public var lockGroup: String? { "dpkg" }

    public func needsPrivilege(_ request: ChangeRequest, host: Machine) -> Bool { true }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        var installs: [ChangeRequest] = []
        var removals: [ChangeRequest] = []
        for request in requests {
            let name = PackageMessages.name(of: request.resource)
            if let problem = Self.nameProblem(name) {
                outcomes[request.address] = .failure(ApplyFailure(problem))
                continue
            }
            switch request.operation {
            case .create, .modify, .recreate: installs.append(request)
            case .destroy: removals.append(request)
            case .release: outcomes[request.address] = .success(ChangeResult())
            }
        }
        if !installs.isEmpty {
            outcomes.merge(await install(installs, context: context)) { _, new in new }
        }
        if !removals.isEmpty {
            outcomes.merge(await remove(removals, context: context)) { _, new in new }
        }
        return outcomes
    }

    // MARK: - Install

    /// Whether this apply call has refreshed the package lists, and how that went.
    private enum ListUpdate {
        case notRun
        case succeeded
        case failed(tail: String, retryable: Bool)

        var note: String {
            switch self {
            case .notRun: return ""
            case .succeeded: return " (after apt-get update)"
            case .failed(let tail, _): return " (apt-get update failed: \(tail))"
            }
        }

        var retryable: Bool {
            if case .failed(_, let retryable) = self { return retryable }
            return false
        }
    }

    private func install(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        var pending = requests
        var update = ListUpdate.notRun
        let timeout = requests.compactMap(\.resource.timeout).max()

        // Each pass either finishes, runs the one update, or drops at least one unknown package: it ends.
        while !pending.isEmpty {
            var arguments: [Address: String] = [:]
            var missing: [Address: String] = [:]
            let pinned = pending.filter { PackageMessages.pin(of: $0.resource) != nil }
            var available: [String: [String]] = [:]
            if !pinned.isEmpty {
                switch await Self.availableVersions(of: pinned.map { PackageMessages.name(of: $0.resource) },
                                                    context: context, timeout: timeout) {
                case .success(let versions): available = versions
                case .failure(let failure): return Self.failing(pending, outcomes, with: failure)
                }
            }
            for request in pending {
                let name = PackageMessages.name(of: request.resource)
                guard let pin = PackageMessages.pin(of: request.resource) else {
                    arguments[request.address] = name
                    continue
                }
                let versions = available[name] ?? []
                if let version = versions.first(where: { VersionPattern(pin).matches($0) }) {
                    arguments[request.address] = "\(name)=\(version)"
                } else {
                    missing[request.address] = Self.notFound(name, pin: pin, available: versions)
                }
            }

            if !missing.isEmpty, case .notRun = update {
                update = await Self.updateLists(context: context, timeout: timeout)
                continue
            }
            for request in pending {
                guard let why = missing[request.address] else { continue }
                outcomes[request.address] = .failure(ApplyFailure(why + update.note, retryable: update.retryable))
            }
            pending.removeAll { missing[$0.address] != nil }
            if pending.isEmpty { break }

            var packageArguments: [String] = []
            for request in pending where !packageArguments.contains(arguments[request.address]!) {
                packageArguments.append(arguments[request.address]!)
            }
            let command = Self.installCommand(packageArguments, allowDowngrades: pending.contains {
                PackageMessages.pin(of: $0.resource) != nil
            }, timeout: timeout)
            let result: CommandResult
            switch await Self.run(command, context: context) {
            case .success(let ran): result = ran
            case .failure(let failure): return Self.failing(pending, outcomes, with: failure)
            }
            if result.succeeded { break }

            let text = result.output + "\n" + result.errorOutput
            let names = Self.names(pending)
            if Self.isLockHeld(text) {
                return Self.failing(pending, outcomes, with: ApplyFailure(
                    "another process holds the dpkg lock, so apt-get could not install \(names): "
                        + "\(CommandError.failed(result))",
                    retryable: true))
            }
            if Self.isNetworkTimeout(text) {
                return Self.failing(pending, outcomes, with: ApplyFailure(
                    "apt-get could not reach the package sources to install \(names): \(CommandError.failed(result))",
                    retryable: true))
            }
            let unknown = Set(Self.unknownPackages(in: text))
            let unknownRequests = pending.filter { request in
                let name = PackageMessages.name(of: request.resource)
                return unknown.contains(name) || unknown.contains(Self.baseName(name))
            }
            if !unknownRequests.isEmpty || Self.isStaleIndex(text), case .notRun = update {
                update = await Self.updateLists(context: context, timeout: timeout)
                continue
            }
            guard !unknownRequests.isEmpty else {
                return Self.failing(pending, outcomes, with: ApplyFailure(
                    "apt-get could not install \(names): \(CommandError.failed(result))"))
            }
            for request in unknownRequests {
                let name = PackageMessages.name(of: request.resource)
                let why = PackageMessages.pin(of: request.resource).map {
                    Self.notFound(name, pin: $0, available: available[name] ?? [])
                } ?? Self.notFound(name, pin: nil, available: [])
                outcomes[request.address] = .failure(ApplyFailure(why + update.note, retryable: update.retryable))
            }
            let failed = Set(unknownRequests.map(\.address))
            pending.removeAll { failed.contains($0.address) }
        }

        guard !pending.isEmpty else { return outcomes }
        // Outputs come from dpkg itself; when it cannot be read now, the executor's verification says so.
        let observed = (try? await refresh(pending.map(\.resource), host: context.host)) ?? [:]
        for request in pending {
            var outputs: [String: Value] = [:]
            if let version = observed[request.address]?.parameters["version"] { outputs["version"] = version }
            outcomes[request.address] = .success(ChangeResult(outputs: outputs))
        }
        return outcomes
    }

    static let environment = ["DEBIAN_FRONTEND": "noninteractive"]

    /// Why apt must not be given `name`, or nil; `validate` asks the same. apt-get would read anything else as
    /// a glob, a regular expression or an option, and refresh never reads it either.
    static func nameProblem(_ name: String) -> String? {
        guard !isPackageName(name) else { return nil }
        return "'\(name)' is not a Debian package name (letters, digits, '+', '-', '.', and ':arch'), "
            + "so tend does not pass it to apt-get"
    }

    /// `apt-get install` that never asks: no recommends, and the packaged or current config file kept as
    /// dpkg's defaults say. Downgrades are allowed only in a batch with pinned versions.
    static func installCommand(_ packages: [String], allowDowngrades: Bool, timeout: Double?) -> Command {
        Command(ArgumentSafety.apt(["install", "-y", "-q", "--no-install-recommends",
                                    "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"]
                                       + (allowDowngrades ? ["--allow-downgrades"] : []), packages: packages),
                environment: environment, timeout: timeout, privileged: true)
    }

    /// Runs `apt-get update -q` once; a held lock or a network failure is worth retrying later.
    private static func updateLists(context: ApplyContext, timeout: Double?) async -> ListUpdate {
        context.log("apt does not know some packages; refreshing the package lists with apt-get update")
        let command = Command(["apt-get", "update", "-q"], environment: environment, timeout: timeout,
                              privileged: true)
        switch await run(command, context: context) {
        case .success(let result) where result.succeeded:
            return .succeeded
        case .success(let result):
            let text = result.output + "\n" + result.errorOutput
            return .failed(tail: result.tail(lines: 1), retryable: isLockHeld(text) || isNetworkTimeout(text))
        case .failure(let failure):
            return .failed(tail: failure.message, retryable: failure.retryable)
        }
    }

    /// The versions apt can install of each package, newest first, from one `apt-cache madison` query.
    /// Packages apt does not know are missing from the result.
    private static func availableVersions(of names: [String], context: ApplyContext,
                                          timeout: Double?) async -> Result<[String: [String]], ApplyFailure> {
        var unique: [String] = []
        for name in names where !unique.contains(name) { unique.append(name) }
        let command = Command(ArgumentSafety.apt(["madison"], packages: unique, tool: "apt-cache"), timeout: timeout)
        switch await run(command, context: context) {
        case .failure(let failure):
            return .failure(failure)
        case .success(let result):
            guard result.succeeded else {
                let names = unique.joined(separator: ", ")
                return .failure(ApplyFailure("could not list the versions apt offers of \(names): "
                                             + "\(CommandError.failed(result))"))
            }
            let lines = parseMadison(result.output)
            var versions: [String: [String]] = [:]
            for name in unique { versions[name] = availableVersions(of: name, in: lines) }
            return .success(versions.filter { !$0.value.isEmpty })
        }
    }

    /// One line of `apt-cache madison`: `hello | 2.10-3 | http://deb.debian.org/debian bookworm/main amd64 Packages`.
    struct MadisonLine: Sendable, Hashable {
        var package: String
        var version: String
        var source: String
    }

    static func parseMadison(_ output: String) -> [MadisonLine] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 3, !fields[0].isEmpty, !fields[1].isEmpty else { return nil }
            return MadisonLine(package: fields[0], version: fields[1], source: fields[2])
        }
    }

    /// The binary versions of `name` (which may carry `:arch`) in madison's order, which is apt's: newest first.
    static func availableVersions(of name: String, in lines: [MadisonLine]) -> [String] {
        let package = baseName(name)
        let architecture = name.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init)
        var versions: [String] = []
        for line in lines where line.package == package && !line.source.hasSuffix(" Sources") {
            if let architecture, !line.source.hasSuffix(" \(architecture) Packages") { continue }
            if !versions.contains(line.version) { versions.append(line.version) }
        }
        return versions
    }

    private static func notFound(_ name: String, pin: String?, available: [String]) -> String {
        guard let pin, !available.isEmpty else { return "no package named '\(name)' in the apt sources" }
        return "no version of '\(name)' matching '\(pin)' in the apt sources (available: "
            + available.prefix(5).joined(separator: ", ") + (available.count > 5 ? ", ..." : "") + ")"
    }

    // MARK: - Remove

    /// Removes the batch with one `apt-get remove`, after a simulation shows it takes nothing else along:
    /// removing a library would otherwise silently remove every installed package that needs it.
    /// Configuration files stay (no purge): they may hold the user's edits.
    private func remove(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        var outcomes: ChangeOutcomes = [:]
        var pending = requests
        let timeout = requests.compactMap(\.resource.timeout).max()
        var removed: [String] = []
        while !pending.isEmpty {
            let packages = Self.uniqueNames(pending)
            let simulation = Command(ArgumentSafety.apt(["remove", "-s", "-q"], packages: packages), timeout: timeout)
            let result: CommandResult
            switch await Self.run(simulation, context: context) {
            case .success(let ran): result = ran
            case .failure(let failure): return Self.failing(pending, outcomes, with: failure)
            }
            if result.succeeded {
                removed = Self.simulatedRemovals(result.output)
                break
            }
            // A package apt does not know is not installed: there is nothing to remove.
            let unknown = Set(Self.unknownPackages(in: result.output + "\n" + result.errorOutput))
            let gone = pending.filter { request in
                let name = PackageMessages.name(of: request.resource)
                return unknown.contains(name) || unknown.contains(Self.baseName(name))
            }
            guard !gone.isEmpty else {
                return Self.failing(pending, outcomes, with: ApplyFailure(
                    "apt-get cannot remove \(Self.names(pending)): \(CommandError.failed(result))"))
            }
            for request in gone { outcomes[request.address] = .success(ChangeResult()) }
            let goneAddresses = Set(gone.map(\.address))
            pending.removeAll { goneAddresses.contains($0.address) }
        }
        guard !pending.isEmpty else { return outcomes }

        let asked = Set(pending.map { Self.baseName(PackageMessages.name(of: $0.resource)) })
        let others = removed.filter { !asked.contains(Self.baseName($0)) }
        if !others.isEmpty {
            return Self.failing(pending, outcomes, with: ApplyFailure(
                "removing \(Self.names(pending)) would also remove \(others.joined(separator: ", ")), which "
                    + "depend on it; tend removes only the packages the config names: add those to the config with "
                    + "'ensure: absent' too, or keep \(Self.names(pending))"))
        }

        let command = Command(ArgumentSafety.apt(["remove", "-y", "-q"], packages: Self.uniqueNames(pending)),
                              environment: Self.environment, timeout: timeout, privileged: true)
        switch await Self.run(command, context: context) {
        case .failure(let failure):
            return Self.failing(pending, outcomes, with: failure)
        case .success(let result) where !result.succeeded:
            let text = result.output + "\n" + result.errorOutput
            let lock = Self.isLockHeld(text)
            return Self.failing(pending, outcomes, with: ApplyFailure(
                (lock ? "another process holds the dpkg lock, so apt-get could not remove "
                    : "apt-get could not remove ") + "\(Self.names(pending)): \(CommandError.failed(result))",
                retryable: lock))
        case .success:
            for request in pending { outcomes[request.address] = .success(ChangeResult()) }
            return outcomes
        }
    }

    /// The packages of the `Remv NAME [VERSION]` lines of a simulated removal.
    static func simulatedRemovals(_ output: String) -> [String] {
        output.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.count >= 2, words[0] == "Remv" else { return nil }
            return String(words[1])
        }
    }

    // MARK: - apt's messages

    /// Packages apt reports it cannot find: `Unable to locate package X`, `Package 'X' has no installation
    /// candidate`, `Version 'V' for 'X' was not found`, `Couldn't find any package by glob|regex 'X'`.
    static func unknownPackages(in output: String) -> [String] {
        var names: [String] = []
        for line in output.split(separator: "\n").map(String.init) {
            var name: String?
            if let range = line.range(of: "Unable to locate package ") {
                name = String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            } else if line.contains("has no installation candidate") || line.contains("Couldn't find any package by")
                        || (line.contains("Version '") && line.contains("was not found")) {
                name = lastQuoted(in: line)
            }
            if let name, !name.isEmpty, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Another apt or dpkg (often unattended-upgrades) holds a lock; it lets go in time.
    static func isLockHeld(_ output: String) -> Bool {
        ["Could not get lock", "Unable to acquire the dpkg frontend lock", "dpkg frontend lock",
         "Unable to lock directory", "Unable to lock the administration directory"].contains { output.contains($0) }
    }

    /// The sources could not be reached; a later try may get through.
    static func isNetworkTimeout(_ output: String) -> Bool {
        ["Temporary failure resolving", "Could not resolve", "Connection timed out", "Connection failed",
         "Could not connect to", "Operation timed out", "Network is unreachable"].contains { output.contains($0) }
    }

    /// The package lists name files the mirror no longer has: `apt-get update` fixes that.
    static func isStaleIndex(_ output: String) -> Bool {
        output.contains("Failed to fetch") && output.contains("404")
    }

    /// The text between the last two `'` of a line: the package, which apt names last ("Couldn't" has one too).
    private static func lastQuoted(in line: String) -> String? {
        let parts = line.split(separator: "'", omittingEmptySubsequences: false)
        return parts.count >= 3 ? String(parts[parts.count - 2]) : nil
    }

    // MARK: - Helpers

    /// `libc6` for `libc6:i386`.
    static func baseName(_ name: String) -> String {
        String(name.prefix { $0 != ":" })
    }

    private static func uniqueNames(_ requests: [ChangeRequest]) -> [String] {
        var names: [String] = []
        for request in requests where !names.contains(PackageMessages.name(of: request.resource)) {
            names.append(PackageMessages.name(of: request.resource))
        }
        return names
    }

    private static func names(_ requests: [ChangeRequest]) -> String {
        uniqueNames(requests).joined(separator: ", ")
    }

    /// `outcomes` with every one of `requests` failed for the same reason.
    private static func failing(_ requests: [ChangeRequest], _ outcomes: ChangeOutcomes,
                                with failure: ApplyFailure) -> ChangeOutcomes {
        var outcomes = outcomes
        for request in requests { outcomes[request.address] = .failure(failure) }
        return outcomes
    }

    /// Runs a command; a missing apt-get, a time-out or an interruption is a failure, not a throw.
    private static func run(_ command: Command, context: ApplyContext) async -> Result<CommandResult, ApplyFailure> {
        do {
            return .success(try await context.host.runner.run(command))
        } catch CommandError.launchFailed(_, let reason) {
            return .failure(ApplyFailure(
                "could not run \(command.arguments[0]) (\(reason)): this is not a Debian system"))
        } catch {
            return .failure(ApplyFailure(error: error))
        }
    }
}
