import TendCore

/// A Debian package. Refresh reads dpkg's status file once for every apt resource (see `DpkgStatus`), or, when
/// that file is missing or has pending journal entries, asks one `dpkg-query -W` call; it reports the installed
/// version, and a package dpkg does not know, or knows only as removed, is absent.
public struct AptPackage: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { BuiltinSchemas.apt }

    /// One installed (or remembered) package instance, as one line of `dpkg-query -W` prints it.
    struct Record: Sendable, Hashable {
        var name: String
        var architecture: String
        /// The current-state word of dpkg's status: `installed`, `config-files`, `unpacked`, ...
        var state: String
        var version: String
    }

    /// `${Architecture}` comes second so that `libc6:amd64` and `libc6:i386` can be told apart.
    static let format = "${Package}\t${Architecture}\t${Status}\t${Version}\n"

    /// dpkg states in which the package is configured and usable; pending triggers do not make it missing.
    static let installedStates: Set<String> = ["installed", "triggers-pending", "triggers-awaited"]

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        var queried: [(ResourceSpec, String)] = []
        for resource in resources {
            let name = PackageMessages.name(of: resource)
            if Self.isPackageName(name) {
                queried.append((resource, name))
            } else {
                observations[resource.address] = .absent("'\(name)' is not a Debian package name")
            }
        }
        guard !queried.isEmpty else { return observations }

        let adminDirectory = DpkgStatus.adminDirectory(environment: host.facts.environment)
        let packages = Set(queried.map { Self.packagePart(of: $0.1) })
        let records: [Record]
        if let fromFile = DpkgStatus.records(adminDirectory: adminDirectory, packages: packages, files: host.files) {
            records = fromFile
        } else if let fromQuery = try await Self.queryDpkg(queried.map(\.1), timeout: resources.compactMap(\.timeout).max(),
                                                           host: host) {
            records = fromQuery
        } else {
            for (resource, _) in queried {
                observations[resource.address] = .absent("dpkg-query is not available: this is not a Debian system")
            }
            return observations
        }

        let native = Self.debianArchitecture(host.facts.arch)
        let byPackage = Dictionary(grouping: records, by: \.name)
        for (resource, name) in queried {
            observations[resource.address] = Self.observation(of: name, in: byPackage[Self.packagePart(of: name)] ?? [],
                                                              nativeArchitecture: native)
        }
        return observations
    }

    /// The records `dpkg-query -W` prints for `names`, each asked once; nil when there is no dpkg-query.
    private static func queryDpkg(_ names: [String], timeout: Double?, host: Machine) async throws -> [Record]? {
        var seen: Set<String> = []
        let unique = names.filter { seen.insert($0).inserted }
        let result: CommandResult
        do {
            result = try await host.runner.run(Command(ArgumentSafety.apt(["-W", "-f", format], packages: unique, tool: "dpkg-query"), timeout: timeout))
        } catch CommandError.launchFailed {
            return nil
        }
        // Status 1 only means that some names are unknown ("no packages found matching x" on stderr).
        guard result.status == 0 || (result.status == 1 && !result.signaled) else {
            throw CommandError.failed(result)
        }
        return parse(result.output)
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        PackageMessages.message(noun: "package", operation: operation, resource: resource, changes: changes)
    }

    /// The records of `dpkg-query -W -f format` output; lines without all four fields are ignored.
    static func parse(_ output: String) -> [Record] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 4, !fields[0].isEmpty else { return nil }
            // Status is "want flag state", e.g. "install ok installed" or "deinstall ok config-files".
            let status = fields[2].split(separator: " ")
            guard status.count == 3 else { return nil }
            return Record(name: String(fields[0]), architecture: String(fields[1]), state: String(status[2]),
                          version: String(fields[3]))
        }
    }

    /// What the records say about `name`, which may carry an architecture (`libc6:amd64`). Without one, the
    /// installed instance of the native architecture (or `all`) is preferred, then any installed one.
    static func observation(of name: String, in records: [Record], nativeArchitecture: String?) -> Observation {
        let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
        let package = parts[0]
        let architecture = parts.count == 2 ? parts[1] : nil
        let candidates = records.filter { record in
            record.name == package && (architecture == nil || record.architecture == architecture)
        }
        let installed = candidates.filter { installedStates.contains($0.state) }
        let preferred = installed.first { $0.architecture == nativeArchitecture || $0.architecture == "all" }
        if let record = preferred ?? installed.first {
            return .present(["version": .string(record.version)])
        }
        if candidates.contains(where: { $0.state == "config-files" }) {
            return .absent("not installed (its configuration files remain)")
        }
        if let broken = candidates.first(where: { $0.state != "not-installed" }) {
            return .absent("not fully installed (dpkg status: \(broken.state))")
        }
        return .absent("not installed")
    }

    /// `libc6` of `libc6:i386`.
    static func packagePart(of name: String) -> String {
        name.utf8.firstIndex(of: UInt8(ascii: ":")).map { String(name[..<$0]) } ?? name
    }

    /// Debian package names are letters, digits, `+ - .`, optionally `:arch`; anything else (a glob such as
    /// `lib*`) never reaches dpkg-query, which would read it as a pattern.
    static func isPackageName(_ name: String) -> Bool {
        let bytes = name.utf8
        let colon = bytes.firstIndex(of: UInt8(ascii: ":"))
        let package = bytes[..<(colon ?? bytes.endIndex)]
        guard let first = package.first, isLetterOrDigit(first),
              package.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-")
                                   || $0 == UInt8(ascii: ".") })
        else { return false }
        guard let colon else { return true }
        let architecture = bytes[bytes.index(after: colon)...]
        return !architecture.isEmpty && architecture.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// The Debian architecture of a `uname -m` machine name, so that no `dpkg --print-architecture` is needed.
    static func debianArchitecture(_ machine: String) -> String? {
        switch machine {
        case "x86_64", "amd64": return "amd64"
        case "aarch64", "arm64": return "arm64"
        case "i386", "i486", "i586", "i686": return "i386"
        case "armv7l", "armv6l": return "armhf"
        case "ppc64le": return "ppc64el"
        case "s390x": return "s390x"
        case "riscv64": return "riscv64"
        default: return nil
        }
    }
}
