import Foundation
import TendCore

/// An entry in a user's crontab, kept in tend's marked block (`CrontabBlock`); the user's own lines are never
/// touched.
///
/// Refresh reads each user's crontab once for all its entries: the spool file directly as root, else one
/// `crontab -l`. Apply installs each user's new crontab with one `crontab -` (the text on standard input).
public struct CronResource: ApplyingResourceType {
    /// The crontabs refresh read in this run, by user, for rule 1's footprint without reading them again.
    private let seen = CrontabCache()

    public init() {}

    public var schema: TypeSchema { Self.schema }

    static let schema = TypeSchema(
        name: "cron", summary: "an entry in a user's crontab, in a block tend marks as its own",
        parameters: [
            ParameterSchema("id", .string, key: true, summary: "the entry's name in tend's block and in its address",
                            example: "backup"),
            ParameterSchema("schedule", .string, required: true,
                            summary: "five cron fields, or @reboot, @hourly, @daily, @weekly, @monthly, @yearly",
                            example: "\"30 2 * * *\""),
            ParameterSchema("command", .string, required: true,
                            summary: "the command cron runs; % is kept as written (tend escapes it)",
                            example: "~/bin/backup --quiet"),
            ParameterSchema("user", .string, modifiable: false,
                            summary: "whose crontab (root only; the user running tend when unset)", example: "deploy"),
        ],
        example: """
        - type: cron
          id: backup
          schedule: "30 2 * * *"
          command: ~/bin/backup --quiet
        """,
        valueCheck: { resource, _ in valueProblems(resource) })

    static let keywords: Set<String> = ["@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]

    /// The schedule with its fields one space apart, or nil when cron would not take it.
    static func normalizedSchedule(_ text: String) -> String? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if fields.count == 1, keywords.contains(fields[0]) { return fields[0] }
        let allowed = CharacterSet(charactersIn: "0123456789*,/-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        guard fields.count == 5, fields.allSatisfy({ $0.unicodeScalars.allSatisfy(allowed.contains) }) else { return nil }
        return fields.joined(separator: " ")
    }

    static func valueProblems(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        let id = resource.parameters["id"]?.stringValue ?? resource.address.key
        if id.isEmpty || id.count > 128 || !id.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII
            || $0 == "." || $0 == "_" || $0 == "-" }) {
            problems.append(ValueProblem("id", "cron id '\(id)' is not a name of letters, digits, '.', '_' and '-'"))
        }
        if let schedule = resource.parameters["schedule"]?.stringValue, normalizedSchedule(schedule) == nil {
            problems.append(ValueProblem("schedule", "schedule '\(schedule)' is not five cron fields or an @ word",
                                         hint: "e.g. \"30 2 * * *\" or \"@daily\""))
        }
        if let command = resource.parameters["command"]?.stringValue,
           command.trimmingCharacters(in: .whitespaces).isEmpty || command.contains("\n") || command.contains("\r") {
            problems.append(ValueProblem("command", "a cron command must be one line of text",
                                         hint: "put longer work in a script and run that"))
        }
        if let user = resource.parameters["user"]?.stringValue, let problem = Crontab.userProblem(user) {
            problems.append(ValueProblem("user", problem))
        }
        return problems
    }

    static func user(of resource: ResourceSpec, host: Machine) -> String {
        resource.parameters["user"]?.stringValue ?? host.facts.user
    }

    static func id(of resource: ResourceSpec) -> String {
        resource.parameters["id"]?.stringValue ?? resource.address.key
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        for (user, group) in Dictionary(grouping: resources, by: { Self.user(of: $0, host: host) }) {
            let block: CrontabBlock
            do {
                let text = try await Crontab.read(user: user, host: host)
                seen.set(text, for: user)
                block = CrontabBlock(parsing: text)
            } catch {
                for resource in group { observations[resource.address] = .absent("\(error)") }
                continue
            }
            for resource in group {
                guard let entry = block.entries.last(where: { $0.id == Self.id(of: resource) }) else { continue }
                var parameters: [String: Value] = ["command": .string(entry.command)]
                if let desired = resource.parameters["schedule"]?.stringValue,
                   Self.normalizedSchedule(desired) == entry.schedule {
                    parameters["schedule"] = .string(desired)
                } else {
                    parameters["schedule"] = .string(entry.schedule)
                }
                if let user = resource.parameters["user"] { parameters["user"] = user }
                observations[resource.address] = .present(parameters)
            }
        }
        return observations
    }

    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        let user = Self.user(of: resource, host: host)
        if !host.isRoot, user != host.facts.user {
            return [ValueProblem("user", "the crontab of \(user) can be changed only by root; tend runs as \(host.facts.user)",
                                 hint: "run tend as root, or leave user unset")]
        }
        return []
    }

    public func subject(of resource: ResourceSpec) -> String {
        "cron entry \(Self.id(of: resource))"
    }

    /// The entry's line as the crontab holds it now, so that rule 1 sees an edit made outside tend.
    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        let user = Self.user(of: resource, host: host)
        guard let text = seen.text(for: user) else { return nil }
        let entry = CrontabBlock(parsing: text).entries.last { $0.id == Self.id(of: resource) }
        return PathFootprint.value(entry?.line)
    }

    public var keepsOriginals: Bool { true }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let id = Self.id(of: resource)
        let whose = resource.parameters["user"]?.stringValue.map { "\($0)'s crontab" } ?? "the crontab"
        let line = [resource.parameters["schedule"]?.text, resource.parameters["command"]?.text].compactMap { $0 }
            .joined(separator: " ")
        switch operation {
        case .create: return "Add cron entry \(id) to \(whose): \(line)"
        case .destroy: return "Remove cron entry \(id) from \(whose)"
        case .release: return "Stop managing cron entry \(id) (left as it is)"
        case .modify, .recreate:
            let parts = changes.map { "\($0.name) \($0.before?.description ?? "unset") to \($0.after?.description ?? "unset")" }
            return "Update cron entry \(id) in \(whose): " + parts.joined(separator: ", ")
        }
    }
}
