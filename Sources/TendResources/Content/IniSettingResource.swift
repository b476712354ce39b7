import Foundation
import TendCore

/// `ini-setting`: one `key = value` in an INI file (`~/.config/app/settings.ini`, a systemd drop-in, pip.conf).
/// Only the value's bytes change; comments, blank lines, order and spacing stay as they are. The value a key had
/// before tend first set it is kept in backups and put back by a release while tend's value is still there.
public struct IniSettingResource: ContentResourceType {
    public init() {}

    public var schema: TypeSchema { Self.schema }

    static func key(of resource: ResourceSpec) -> String {
        resource.parameters["key"]?.stringValue ?? resource.address.key
    }

    static func section(of resource: ResourceSpec) -> String? {
        guard let section = resource.parameters["section"]?.stringValue, !section.isEmpty else { return nil }
        return section
    }

    func fragment(of resource: ResourceSpec, in text: String, path: String) throws -> String? {
        IniDocument(text).value(section: Self.section(of: resource), key: Self.key(of: resource))
    }

    func desiredFragment(of resource: ResourceSpec) throws -> String {
        resource.parameters["value"]?.text ?? ""
    }

    func observe(_ resource: ResourceSpec, in text: String, path: String, shownPath: String) throws -> Observation {
        observation(resource, current: try fragment(of: resource, in: text, path: path), shownPath: shownPath)
    }

    /// The file indexed once by section and key, as `IniDocument` reads them (the first section of a name, the
    /// last setting of a key).
    func observeAll(_ resources: [ResourceSpec], in text: String, shownPath: String) -> [Address: Observation] {
        let document = IniDocument(text)
        var values: [String?: [String: String]] = [nil: [:]]
        var current: String? = nil
        var skipping = false
        for line in document.lines.lines {
            let content = TextLines.content(line)
            if let header = IniDocument.header(content) {
                skipping = values.keys.contains(header)
                current = header
                if !skipping { values[header] = [:] }
                continue
            }
            guard !skipping, let (key, range) = IniDocument.entry(content) else { continue }
            values[current, default: [:]][key] = String(decoding: Array(content.utf8)[range], as: UTF8.self)
        }
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let value = values[Self.section(of: resource)]?[Self.key(of: resource)]
            observations[resource.address] = observation(resource, current: value, shownPath: shownPath)
        }
        return observations
    }

    private func observation(_ resource: ResourceSpec, current: String?, shownPath: String) -> Observation {
        guard let current else {
            return .absent("\(Self.key(of: resource)) is not set in \(shownPath)")
        }
        let equal = current == (resource.parameters["value"]?.text ?? "")
        var parameters = ["value": Self.reported(current, desired: resource.parameters["value"], equal: equal)]
        if let section = resource.parameters["section"] { parameters["section"] = section }
        return .present(parameters)
    }

    func placing(_ resource: ResourceSpec, in text: String, path: String) throws -> String {
        var document = IniDocument(text)
        document.set(section: Self.section(of: resource), key: Self.key(of: resource), value: try desiredFragment(of: resource))
        return document.text
    }

    func removing(_ resource: ResourceSpec, from text: String, path: String) throws -> String {
        var document = IniDocument(text)
        document.remove(section: Self.section(of: resource), key: Self.key(of: resource))
        return document.text
    }

    func restoring(_ original: String, for resource: ResourceSpec, in text: String, path: String) throws -> String {
        var document = IniDocument(text)
        document.set(section: Self.section(of: resource), key: Self.key(of: resource), value: original)
        return document.text
    }

    func noun(for resource: ResourceSpec) -> String {
        let key = Self.key(of: resource)
        return Self.section(of: resource).map { "[\($0)] \(key)" } ?? key
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let file = shownPath(of: resource)
        let shown = resource.isSensitive("value") ? "(sensitive)" : "'\(resource.parameters["value"]?.text ?? "")'"
        switch operation {
        case .create:
            return "Set \(noun(for: resource)) to \(shown) in \(file)"
        case .modify, .recreate:
            let before = resource.isSensitive("value") ? "(sensitive)" : "'\(observation?.parameters["value"]?.text ?? "?")'"
            return "Change \(noun(for: resource)) from \(before) to \(shown) in \(file)"
        case .destroy:
            return "Remove \(noun(for: resource)) from \(file)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }
}
