import Foundation
import TendCore

/// `systemd-user-unit`: whether a unit of the user's systemd manager is enabled and running (`systemctl --user`).
///
/// The unit file itself is not managed (a `file` resource writes one into `~/.config/systemd/user/`). Refresh asks
/// the user manager once for every resource: `systemctl --user show --property=Id,LoadState,ActiveState,
/// UnitFileState -- UNIT...`, which prints one block per unit in the order asked. The state a unit had before tend
/// first changed it is kept, and leaving the config puts it back while the unit is still as tend left it.
public struct SystemdUserUnitResource: ApplyingResourceType {
    /// The last refresh's state of each unit (`UnitState.text`), for footprints.
    let listing = ListingCache()

    public init() {}

    public var schema: TypeSchema { Self.schema }

    static let schema = TypeSchema(
        name: "systemd-user-unit", summary: "a systemd user unit enabled and/or running (systemctl --user, Linux)",
        parameters: [
            ParameterSchema("name", .string, key: true, summary: "the unit's name with its suffix", example: "syncthing.service"),
            ParameterSchema("enabled", .bool, summary: "started with the user's manager (systemctl --user enable/disable)", example: "true"),
            ParameterSchema("active", .bool, summary: "running now (systemctl --user start/stop)", example: "true"),
        ],
        rules: [.oneRequired(["enabled", "active"])],
        example: """
        - type: systemd-user-unit
          name: syncthing.service
          enabled: true
          active: true
        """,
        valueCheck: { resource, _ in SystemdUserUnitResource.problems(resource) },
        keptByDefault: true)

    static let suffixes = [".service", ".socket", ".timer", ".path", ".target", ".mount", ".automount", ".slice", ".scope", ".swap", ".device"]

    static func problems(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        if let problem = nameProblem(name(of: resource)) {
            problems.append(ValueProblem("name", problem, hint: "write the unit as 'systemctl --user list-unit-files' lists it, e.g. syncthing.service"))
        }
        if resource.ensure == .absent {
            problems.append(ValueProblem("name", "a systemd user unit cannot be absent: tend does not remove unit files",
                                         hint: "write enabled: false and active: false, or remove the file with a file resource"))
        }
        return problems
    }

    static func name(of resource: ResourceSpec) -> String {
        resource.parameters["name"]?.stringValue ?? resource.address.key
    }

    /// Why systemctl would not take `name` as one unit, or nil; `validate` and apply ask the same.
    static func nameProblem(_ name: String) -> String? {
        guard !name.hasPrefix("-"), name.utf8.count <= 255, suffixes.contains(where: { name.hasSuffix($0) && name.count > $0.count }),
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ":-_.\\@".contains($0)) }) else {
            return "'\(name)' is not a unit name (a name, then a suffix such as .service or .timer)"
        }
        return nil
    }

    /// One unit as `systemctl show` reports it.
    struct UnitState: Sendable, Hashable {
        var id: String
        var loadState: String
        var activeState: String
        var unitFileState: String

        /// True while the unit runs or is on its way up.
        var isActive: Bool { ["active", "reloading", "activating", "refreshing"].contains(activeState) }
        /// True when the unit starts with the manager; nil for units that cannot be enabled or disabled.
        var isEnabled: Bool? {
            switch unitFileState {
            case "enabled", "enabled-runtime": return true
            case "disabled": return false
            default: return nil
            }
        }
        /// The state a release puts back and a footprint digests.
        var text: String { "enabled=\(isEnabled.map(String.init) ?? unitFileState) active=\(isActive)" }
    }

    /// The properties refresh asks for.
    static let properties = "--property=Id,LoadState,ActiveState,UnitFileState"

    /// Parses `systemctl show` output: one block per unit, in the order asked, blocks separated by an empty line.
    static func parse(show output: String, count: Int) throws -> [UnitState] {
        var units: [UnitState] = []
        for block in output.components(separatedBy: "\n\n") where !block.trimmingNewlines.isEmpty {
            var fields: [String: String] = [:]
            for line in block.split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            units.append(UnitState(id: fields["Id"] ?? "", loadState: fields["LoadState"] ?? "",
                                   activeState: fields["ActiveState"] ?? "", unitFileState: fields["UnitFileState"] ?? ""))
        }
        guard units.count == count else {
            throw SystemSettingError.unexpectedOutput(command: "systemctl --user show",
                                                      detail: "\(units.count) units reported for \(count) asked")
        }
        return units
    }

    /// Every unit's state, by name, in one `systemctl --user show`.
    static func states(of names: [String], host: Machine) async throws -> [String: UnitState] {
        let unique = Array(Set(names)).sorted()
        guard !unique.isEmpty else { return [:] }
        let argv = ArgumentSafety.operands(unique, after: ["systemctl", "--user", "show", properties])
        let result = try await host.runner.run(Command(argv, timeout: 60))
        guard result.succeeded else {
            throw SystemSettingError.unexpectedOutput(
                command: "systemctl --user show",
                detail: GVariantText.trimmed(result.errorOutput) + " (is a user manager running? it needs a login session, "
                    + "or 'loginctl enable-linger USER')")
        }
        return Dictionary(uniqueKeysWithValues: zip(unique, try parse(show: result.output, count: unique.count)))
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        let names = resources.map(Self.name(of:)).filter { Self.nameProblem($0) == nil }
        let states = try await Self.states(of: names, host: host)
        listing.replace([:])
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let name = Self.name(of: resource)
            guard let state = states[name], state.loadState != "not-found" else {
                observations[resource.address] = .absent("no unit \(name) for the user manager")
                continue
            }
            listing.record(state.text, for: name)
            var parameters: [String: Value] = ["active": .bool(state.isActive)]
            if let enabled = state.isEnabled { parameters["enabled"] = .bool(enabled) }
            observations[resource.address] = .present(parameters, note: "\(state.loadState), \(state.unitFileState)")
        }
        return observations
    }

    /// A unit that is masked, or that has no [Install] section to enable, cannot become what the config asks.
    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        guard let observation, observation.exists else {
            return [ValueProblem("name", "there is no unit \(Self.name(of: resource)) for the user manager",
                                 hint: "put the unit file in ~/.config/systemd/user/ (a file resource) and run systemctl --user daemon-reload")]
        }
        if observation.note?.hasPrefix("masked") == true {
            return [ValueProblem("name", "unit \(Self.name(of: resource)) is masked", hint: "unmask it with systemctl --user unmask")]
        }
        if resource.parameters["enabled"] != nil, observation.parameters["enabled"] == nil {
            let state = observation.note.map { " (\($0))" } ?? ""
            return [ValueProblem("enabled", "unit \(Self.name(of: resource)) cannot be enabled or disabled\(state)",
                                 hint: "remove 'enabled': static and generated units start only when another unit pulls them in")]
        }
        return []
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let name = Self.name(of: resource)
        switch operation {
        case .create, .modify, .recreate:
            let verbs = Self.steps(for: resource, observation: observation).map { "systemctl --user \($0) \(name)" }
            return "Change user unit \(name): " + (verbs.isEmpty ? "nothing to run" : verbs.joined(separator: ", then "))
        case .destroy:
            return "Put back the state user unit \(name) had before tend"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }

    /// The systemctl verbs that take the unit from what refresh saw to what the config asks, in order.
    static func steps(for resource: ResourceSpec, observation: Observation?) -> [String] {
        var steps: [String] = []
        if let enabled = resource.parameters["enabled"]?.boolValue, observation?.parameters["enabled"]?.boolValue != enabled {
            steps.append(enabled ? "enable" : "disable")
        }
        if let active = resource.parameters["active"]?.boolValue, observation?.parameters["active"]?.boolValue != active {
            steps.append(active ? "start" : "stop")
        }
        return steps
    }

    public func subject(of resource: ResourceSpec) -> String { "user unit \(Self.name(of: resource))" }

    public var keepsOriginals: Bool { true }

    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        guard let listed = listing.lookup(Self.name(of: resource)) else { return "value (not listed yet)" }
        return PathFootprint.value(listed)
    }
}

extension String {
    fileprivate var trimmingNewlines: String { GVariantText.trimmed(self) }
}
