import Foundation
import TendCore

/// `hosts-entry`: an address and its names in `/etc/hosts` (or `path`, which tests point at a temporary file).
/// Only the names of the address's first line are tend's; other lines and comments stay byte for byte. The
/// system's file is root's: a plan run by anyone else says so before anything is tried.
public struct HostsEntryResource: ContentResourceType {
    public init() {}

    public var schema: TypeSchema { Self.schema }

    static func ip(of resource: ResourceSpec) -> String {
        resource.parameters["ip"]?.stringValue ?? resource.address.key
    }

    static func names(of resource: ResourceSpec) -> [String] {
        resource.parameters["names"]?.listValue?.map(\.text) ?? []
    }

    func fragment(of resource: ResourceSpec, in text: String, path: String) throws -> String? {
        HostsFileDocument(text).entry(Self.ip(of: resource))?.names.joined(separator: " ")
    }

    func desiredFragment(of resource: ResourceSpec) throws -> String { Self.names(of: resource).joined(separator: " ") }

    func observe(_ resource: ResourceSpec, in text: String, path: String, shownPath: String) throws -> Observation {
        guard let entry = HostsFileDocument(text).entry(Self.ip(of: resource)) else {
            return .absent("no line for \(Self.ip(of: resource)) in \(shownPath)")
        }
        let equal = entry.names == Self.names(of: resource)
        return .present(["names": equal ? (resource.parameters["names"] ?? .list([]))
                                        : .list(entry.names.map { .string($0) })])
    }

    func placing(_ resource: ResourceSpec, in text: String, path: String) throws -> String {
        var document = HostsFileDocument(text)
        if document.entry(Self.ip(of: resource))?.names == Self.names(of: resource) { return text }
        document.set(Self.ip(of: resource), names: Self.names(of: resource))
        return document.text
    }

    func removing(_ resource: ResourceSpec, from text: String, path: String) throws -> String {
        var document = HostsFileDocument(text)
        document.remove(Self.ip(of: resource))
        return document.text
    }

    func restoring(_ original: String, for resource: ResourceSpec, in text: String, path: String) throws -> String {
        var document = HostsFileDocument(text)
        document.set(Self.ip(of: resource), names: original.split(separator: " ").map(String.init))
        return document.text
    }

    func noun(for resource: ResourceSpec) -> String { "the entry for \(Self.ip(of: resource))" }

    /// Someone other than root cannot write root's hosts file: the plan says so rather than apply failing.
    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        let path = path(of: resource, home: host.home)
        if !host.isRoot, let status = host.files.status(path), status.uid != geteuid() {
            return [ValueProblem("path", "\(ResourcePaths.shown(path, host: host)) belongs to "
                + "\(host.files.userName(status.uid)); editing it needs root", hint: "run tend as root (sudo tend apply)")]
        }
        return fileProblems(resource, host: host)
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let file = shownPath(of: resource)
        let names = Self.names(of: resource).joined(separator: " ")
        switch operation {
        case .create:
            return "Add '\(Self.ip(of: resource)) \(names)' to \(file)"
        case .modify, .recreate:
            return "Change the names of \(Self.ip(of: resource)) in \(file) from '\(observation?.parameters["names"]?.listValue?.map(\.text).joined(separator: " ") ?? "?")' to '\(names)'"
        case .destroy:
            return "Remove the line for \(Self.ip(of: resource)) from \(file)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }
}
