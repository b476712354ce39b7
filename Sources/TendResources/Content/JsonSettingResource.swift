import Foundation
import TendCore

/// `json-setting`: one key of a JSON file that may hold comments (VS Code's `settings.json`), set to a value.
/// Only that member's bytes change; other keys, their order, indentation and every comment stay. A key that is
/// not there is added after the object's last member with its indentation; `within` names enclosing objects
/// (made when missing). Keys are literal: VS Code's `editor.fontSize` is one key, not a path.
public struct JsonSettingResource: ContentResourceType {
    public init() {}

    public var schema: TypeSchema { Self.schema }

    static func key(of resource: ResourceSpec) -> String {
        resource.parameters["key"]?.stringValue ?? resource.address.key
    }

    static func within(of resource: ResourceSpec) -> [String] {
        resource.parameters["within"]?.listValue?.map(\.text) ?? []
    }

    /// The value as JSON: text that parses as JSON is that (`14`, `true`, `["a"]`, `"quoted"`), any other text a
    /// JSON string.
    static func desiredJSON(_ resource: ResourceSpec) -> JSON {
        let text = resource.parameters["value"]?.text ?? ""
        return (try? JSON.parse(text, maxDepth: JSONCDocument.depthLimit)) ?? .string(text)
    }

    func fragment(of resource: ResourceSpec, in text: String, path: String) throws -> String? {
        try JSONCDocument(text, path: path).value(within: Self.within(of: resource), key: Self.key(of: resource),
                                                  path: path)?.compact
    }

    func desiredFragment(of resource: ResourceSpec) throws -> String { Self.desiredJSON(resource).compact }

    func observe(_ resource: ResourceSpec, in text: String, path: String, shownPath: String) throws -> Observation {
        observation(resource, current: try fragment(of: resource, in: text, path: shownPath), shownPath: shownPath)
    }

    /// The file parsed once for all its settings.
    func observeAll(_ resources: [ResourceSpec], in text: String, shownPath: String) -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        let document: JSONCDocument
        do {
            document = try JSONCDocument(text, path: shownPath)
        } catch {
            for resource in resources { observations[resource.address] = .absent("\(error)") }
            return observations
        }
        for resource in resources {
            do {
                let current = try document.value(within: Self.within(of: resource), key: Self.key(of: resource),
                                                  path: shownPath)?.compact
                observations[resource.address] = observation(resource, current: current, shownPath: shownPath)
            } catch {
                observations[resource.address] = .absent("\(error)")
            }
        }
        return observations
    }

    private func observation(_ resource: ResourceSpec, current: String?, shownPath: String) -> Observation {
        guard let current else {
            return .absent("\(Self.key(of: resource)) is not set in \(shownPath)")
        }
        let equal = current == Self.desiredJSON(resource).compact
        var parameters = ["value": Self.reported(current, desired: resource.parameters["value"], equal: equal)]
        if let within = resource.parameters["within"] { parameters["within"] = within }
        return .present(parameters)
    }

    func placing(_ resource: ResourceSpec, in text: String, path: String) throws -> String {
        let document = try JSONCDocument(text, path: path)
        let desired = Self.desiredJSON(resource)
        let within = Self.within(of: resource)
        let key = Self.key(of: resource)
        if try document.value(within: within, key: key, path: path)?.compact == desired.compact { return text }
        return try document.setting(within: within, key: key, to: desired, path: path)
    }

    func removing(_ resource: ResourceSpec, from text: String, path: String) throws -> String {
        try JSONCDocument(text, path: path).removing(within: Self.within(of: resource), key: Self.key(of: resource), path: path)
    }

    func restoring(_ original: String, for resource: ResourceSpec, in text: String, path: String) throws -> String {
        let value = (try? JSON.parse(original, maxDepth: JSONCDocument.depthLimit)) ?? .string(original)
        return try JSONCDocument(text, path: path).setting(within: Self.within(of: resource), key: Self.key(of: resource),
                                                           to: value, path: path)
    }

    func noun(for resource: ResourceSpec) -> String {
        (Self.within(of: resource) + [Self.key(of: resource)]).map { "\"\($0)\"" }.joined(separator: " > ")
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let file = shownPath(of: resource)
        let sensitive = resource.isSensitive("value")
        let shown = sensitive ? "(sensitive)" : Self.desiredJSON(resource).compact
        switch operation {
        case .create:
            return "Set \(noun(for: resource)) to \(shown) in \(file)"
        case .modify, .recreate:
            let before = sensitive ? "(sensitive)" : observation?.parameters["value"]?.text ?? "?"
            return "Change \(noun(for: resource)) from \(before) to \(shown) in \(file)"
        case .destroy:
            return "Remove \(noun(for: resource)) from \(file)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }
}
