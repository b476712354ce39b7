import Foundation
import TendCore

/// `git-config`: one setting in the global git configuration.
///
/// Refresh reads and parses the global configuration once, in process, for every git-config resource: the file
/// `$GIT_CONFIG_GLOBAL` when it is set, else `$XDG_CONFIG_HOME/git/config` (or `~/.config/git/config`) and then
/// `~/.gitconfig`, which wins where both set a key, the files `git config --global` reads. Files named by
/// `include.path` or `includeIf` are not followed.
public struct GitConfigResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { BuiltinSchemas.gitConfig }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        let config = try Self.globalConfig(host: host)
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let key = resource.parameters["key"]?.stringValue ?? resource.address.key
            if let problem = Self.keyProblem(key) {
                observations[resource.address] = .absent(problem)
                continue
            }
            if let value = config.value(for: key) {
                observations[resource.address] = .present(["value": .string(value)])
            } else {
                observations[resource.address] = .absent("not set")
            }
        }
        return observations
    }

    /// Why git would refuse `key`, or nil; `validate`, refresh and apply ask the same.
    static func keyProblem(_ key: String) -> String? {
        GitConfigFile.canonicalKey(key) == nil ? "'\(key)' is not a git config key (write section.name)" : nil
    }

    /// The files `git config --global` reads, in the order it reads them (a later file wins).
    public static func globalFiles(host: Machine) -> [String] {
        if let path = host.facts.environment["GIT_CONFIG_GLOBAL"] {
            if path.hasPrefix("/") { return [path] }
            return [PathNormalizer.standardize(FileManager.default.currentDirectoryPath + "/" + path)]
        }
        return [host.configHome + "/git/config", host.home + "/.gitconfig"]
    }

    /// The global configuration, merged from `globalFiles`; missing files are empty, malformed ones throw.
    public static func globalConfig(host: Machine) throws -> GitConfigFile {
        var config = GitConfigFile()
        for path in globalFiles(host: host) {
            guard let bytes = host.files.read(path) else {
                // A missing file is an empty configuration; a file that is there but cannot be read is not.
                if host.files.status(path)?.kind == .file {
                    throw GitConfigError.unreadable(path: path)
                }
                continue
            }
            config.append(contentsOf: try GitConfigFile(parsing: bytes, path: path).entries)
        }
        return config
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let key = resource.address.key
        func shown(_ value: Value?) -> String {
            guard let value else { return "(unset)" }
            return resource.isSensitive("value") ? "(sensitive)" : value.text
        }
        switch operation {
        case .create:
            return "Set git config \(key) to \(shown(resource.parameters["value"]))"
        case .modify, .recreate:
            let before = observation?.parameters["value"]
            return "Change git config \(key) from \(shown(before)) to \(shown(resource.parameters["value"]))"
        case .destroy:
            return "Unset git config \(key)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }

    public func subject(of resource: ResourceSpec) -> String { "git config \(resource.address.key)" }

    public var keepsOriginals: Bool { true }

    /// The value's footprint in the global configuration, so that rule 1 sees a value set outside tend.
    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        let key = resource.parameters["key"]?.stringValue ?? resource.address.key
        guard let config = try? Self.globalConfig(host: host) else { return "value (unreadable)" }
        return PathFootprint.value(config.value(for: key))
    }
}
