import Foundation
import TendCore

/// `tend import apt`: the packages apt counts as installed by hand (`apt-mark showmanual`), read from dpkg's
/// status file and apt's `extended_states` without running anything; `apt-mark` only when dpkg's journal holds
/// changes the status file does not have yet.
extension AptPackage: ImportingResourceType {
    static let extendedStatesPath = "/var/lib/apt/extended_states"

    public func inventory(host: Machine) async throws -> [DiscoveredResource] {
        let adminDirectory = DpkgStatus.adminDirectory(environment: host.facts.environment)
        let native = Self.debianArchitecture(host.facts.arch)
        let names: [String]
        if let records = DpkgStatus.records(adminDirectory: adminDirectory, packages: nil, files: host.files) {
            let automatic = Self.automaticallyInstalled(host.files.read(Self.extendedStatesPath) ?? [])
            names = Self.manualNames(records, automatic: automatic, nativeArchitecture: native)
        } else {
            names = try await Self.askAptMark(host: host)
        }
        return names.map { DiscoveredResource(parameters: ["name": .string($0)]) }
    }

    /// Installed packages not marked automatic, as a config names them: `name`, or `name:arch` for a package of a
    /// foreign architecture; sorted, each once.
    static func manualNames(_ records: [Record], automatic: Set<String>, nativeArchitecture: String?) -> [String] {
        var names: Set<String> = []
        for record in records where installedStates.contains(record.state) {
            let isNative = record.architecture == nativeArchitecture || record.architecture == "all"
                || nativeArchitecture == nil
            // apt records a package of architecture `all` under the native architecture.
            let recorded = record.architecture == "all" ? nativeArchitecture ?? "all" : record.architecture
            if automatic.contains(record.name + ":" + recorded) || automatic.contains(record.name + ":" + record.architecture)
                || (isNative && automatic.contains(record.name)) {
                continue
            }
            names.insert(isNative ? record.name : record.name + ":" + record.architecture)
        }
        return names.sorted()
    }

    /// `name:arch` (and `name` when the paragraph has no architecture) for every paragraph of apt's
    /// `extended_states` that says `Auto-Installed: 1`.
    static func automaticallyInstalled(_ bytes: [UInt8]) -> Set<String> {
        var result: Set<String> = []
        let text = String(decoding: bytes, as: UTF8.self)
        for paragraph in text.components(separatedBy: "\n\n") {
            var name: String?
            var architecture: String?
            var automatic = false
            for line in paragraph.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let field = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                switch field {
                case "package": name = value
                case "architecture": architecture = value
                case "auto-installed": automatic = value == "1"
                default: break
                }
            }
            guard automatic, let name else { continue }
            result.insert(architecture.map { name + ":" + $0 } ?? name)
        }
        return result
    }

    private static func askAptMark(host: Machine) async throws -> [String] {
        let command = Command(["apt-mark", "showmanual"])
        let result: CommandResult
        do {
            result = try await host.runner.run(command)
        } catch CommandError.launchFailed {
            throw PackageQueryError.unreadableOutput(command, reason: "apt-mark is not installed: this is not a Debian system")
        }
        guard result.succeeded else { throw CommandError.failed(result) }
        return result.output.split(separator: "\n").map(String.init).filter(isPackageName).sorted()
    }
}
