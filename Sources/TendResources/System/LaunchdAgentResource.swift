import Foundation
import TendCore

/// `launchd-agent`: a per-user launchd job (macOS), as a property list in `~/Library/LaunchAgents/LABEL.plist`
/// that launchd has loaded.
///
/// Refresh reads each agent's file in process (by handle, bounded) and compares it byte for byte with the file
/// tend would write; it does not ask launchd whether the job is loaded. Apply writes the file by handle through
/// a temporary name (rule 1: a file tend did not write, or one edited since, is kept in backups first), then
/// reloads the job: `launchctl bootout gui/UID/LABEL` (a job that was not loaded is fine), then
/// `launchctl bootstrap gui/UID PATH`. Leaving the config puts back a file tend replaced, or deletes the one it made.
public struct LaunchdAgentResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { Self.schema }

    static let schema = TypeSchema(
        name: "launchd-agent", summary: "a launchd user agent in ~/Library/LaunchAgents, loaded with launchctl (macOS)",
        parameters: [
            ParameterSchema("label", .string, key: true, summary: "the job's label, reverse-DNS; also the file's name",
                            example: "com.example.backup"),
            ParameterSchema("program", .list(.string), required: true,
                            summary: "the program and its arguments (ProgramArguments; no shell reads them)",
                            example: "[/usr/local/bin/backup, --quiet]"),
            ParameterSchema("runAtLoad", .bool, default: .bool(true), summary: "start the job when it is loaded (RunAtLoad)",
                            example: "true"),
            ParameterSchema("keepAlive", .bool, default: .bool(false), summary: "restart the job whenever it exits (KeepAlive)",
                            example: "false"),
        ],
        example: """
        - type: launchd-agent
          label: com.example.backup
          program: [/usr/local/bin/backup, --quiet]
          runAtLoad: true
        """,
        valueCheck: { resource, _ in LaunchdAgentResource.problems(resource) })

    static func problems(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        if let problem = labelProblem(label(of: resource)) {
            problems.append(ValueProblem("label", problem, hint: "write a reverse-DNS name, e.g. com.example.backup"))
        }
        if resource.ensure == .present, let program = resource.parameters["program"]?.listValue {
            if program.isEmpty { problems.append(ValueProblem("program", "'program' is empty", hint: "name the program to run")) }
            if program.contains(where: { $0.text.unicodeScalars.contains { $0.value == 0 } }) {
                problems.append(ValueProblem("program", "an argument holds a NUL byte"))
            }
        }
        return problems
    }

    static func label(of resource: ResourceSpec) -> String {
        resource.parameters["label"]?.stringValue ?? resource.address.key
    }

    /// Why `label` cannot name a job and its file, or nil; `validate` and apply ask the same.
    static func labelProblem(_ label: String) -> String? {
        guard !label.isEmpty, label.utf8.count <= 200, !label.hasPrefix("."), !label.hasPrefix("-"),
              label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }) else {
            return "'\(label)' is not a launchd label (letters, digits, '.', '-' and '_', not starting with '.' or '-')"
        }
        return nil
    }

    /// Where the agent's file goes.
    static func path(of resource: ResourceSpec, home: String) -> String {
        home + "/Library/LaunchAgents/" + label(of: resource) + ".plist"
    }

    /// The property list tend writes, the same bytes for the same parameters (keys in launchd's sorted order).
    static func document(for resource: ResourceSpec) -> String {
        let program = (resource.parameters["program"]?.listValue ?? []).map(\.text)
        let runAtLoad = resource.parameters["runAtLoad"]?.boolValue ?? true
        let keepAlive = resource.parameters["keepAlive"]?.boolValue ?? false
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">",
            "<plist version=\"1.0\">",
            "<dict>",
            "\t<key>KeepAlive</key>",
            keepAlive ? "\t<true/>" : "\t<false/>",
            "\t<key>Label</key>",
            "\t<string>\(PlistXML.escape(label(of: resource)))</string>",
            "\t<key>ProgramArguments</key>",
            "\t<array>",
        ]
        lines += program.map { "\t\t<string>\(PlistXML.escape($0))</string>" }
        lines += ["\t</array>", "\t<key>RunAtLoad</key>", runAtLoad ? "\t<true/>" : "\t<false/>", "</dict>", "</plist>", ""]
        return lines.joined(separator: "\n")
    }

    /// The largest agent file tend reads back: far beyond any real one.
    static let sizeLimit = 1 << 20

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let path = Self.path(of: resource, home: host.home)
            guard let status = host.files.status(path) else {
                observations[resource.address] = .absent("no file \(PathNormalizer.addressForm(path, home: host.home))")
                continue
            }
            guard status.kind == .file, status.size <= Self.sizeLimit, let bytes = host.files.readEntry(path) else {
                observations[resource.address] = .present([:], note: "\(status.kind.noun) that tend cannot read as a plist")
                continue
            }
            let wanted = Self.document(for: resource)
            if bytes == Array(wanted.utf8) {
                var same: [String: Value] = [:]
                for name in ["program", "runAtLoad", "keepAlive"] { same[name] = resource.parameters[name] }
                observations[resource.address] = .present(same)
            } else {
                // Differs: none of the parameters is taken as matching, and the plan shows the diff.
                var observation = Observation.present([:], note: "the file differs")
                observation.contentChange = ContentChange(path: path, before: String(decoding: bytes, as: UTF8.self), after: wanted)
                observations[resource.address] = observation
            }
        }
        return observations
    }

    /// A directory or another kind of entry where the file goes is refused, as for a `file` resource.
    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        let path = Self.path(of: resource, home: host.home)
        if let status = host.files.status(path), status.kind != .file {
            return [ValueProblem("label", "\(PathNormalizer.addressForm(path, home: host.home)) is \(status.kind.noun), not an agent's file",
                                 hint: "move it away, or pick another label")]
        }
        return []
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let label = Self.label(of: resource)
        let file = "~/Library/LaunchAgents/\(label).plist"
        switch operation {
        case .create:
            return "Write \(file) and load it (launchctl bootstrap)"
        case .modify, .recreate:
            return "Rewrite \(file) and reload it (launchctl bootout, then bootstrap)"
        case .destroy:
            return "Unload \(label) (launchctl bootout) and delete \(file)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }

    public func subject(of resource: ResourceSpec) -> String { "~/Library/LaunchAgents/\(Self.label(of: resource)).plist" }

    public var keepsOriginals: Bool { true }

    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        PathFootprint.of(Self.path(of: resource, home: host.home), files: host.files)
    }
}
