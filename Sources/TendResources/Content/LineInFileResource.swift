import Foundation
import TendCore

/// `line-in-file`: one line present in (or absent from) a text file the user also edits (`~/.profile`,
/// `/etc/environment`). With `match`, the last line the regular expression matches is replaced by `line`
/// (and kept as the original the first time); without, the line is added at the end. Removing takes out every
/// line that is exactly `line`, and nothing else.
public struct LineInFileResource: ContentResourceType {
    public init() {}

    public var schema: TypeSchema { Self.schema }

    func fragment(of resource: ResourceSpec, in text: String, path: String) throws -> String? {
        let line = Self.line(of: resource)
        let lines = TextLines(text)
        if lines.lastIndex(of: line) != nil { return line }
        guard let index = try matchingIndex(resource, in: lines) else { return nil }
        return String(TextLines.content(lines.lines[index]))
    }

    func desiredFragment(of resource: ResourceSpec) throws -> String { Self.line(of: resource) }

    func observe(_ resource: ResourceSpec, in text: String, path: String, shownPath: String) throws -> Observation {
        let line = Self.line(of: resource)
        let lines = TextLines(text)
        if lines.lastIndex(of: line) != nil {
            var parameters: [String: Value] = [:]
            if let match = resource.parameters["match"] { parameters["match"] = match }
            return .present(parameters)
        }
        // A line `ensure: absent` takes out is the exact line only: another that `match` finds is not it.
        if resource.ensure == .present, let index = try matchingIndex(resource, in: lines) {
            let found = String(TextLines.content(lines.lines[index]))
            // Never equal to the pattern: the planner sees a modify, and rule 1 a value already there.
            return Observation(exists: true, parameters: ["match": .string(Self.foundPrefix + found)],
                               note: "line \(index + 1) matches but is not the line")
        }
        return .absent("no line '\(line)' in \(shownPath)")
    }

    /// The file's lines split once: a thousand lines of `~/.profile` are not split a thousand times.
    func observeAll(_ resources: [ResourceSpec], in text: String, shownPath: String) -> [Address: Observation] {
        let present = Set(TextLines(text).lines.map { String(TextLines.content($0)) })
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let line = Self.line(of: resource)
            if present.contains(line) {
                var parameters: [String: Value] = [:]
                if let match = resource.parameters["match"] { parameters["match"] = match }
                observations[resource.address] = .present(parameters)
            } else if resource.parameters["match"] == nil {
                observations[resource.address] = .absent("no line '\(line)' in \(shownPath)")
            } else {
                do {
                    observations[resource.address] = try observe(resource, in: text, path: shownPath, shownPath: shownPath)
                } catch {
                    observations[resource.address] = .absent("\(error)")
                }
            }
        }
        return observations
    }

    func placing(_ resource: ResourceSpec, in text: String, path: String) throws -> String {
        let line = Self.line(of: resource)
        var lines = TextLines(text)
        if lines.lastIndex(of: line) != nil { return text }
        if let index = try matchingIndex(resource, in: lines) {
            let end = lines.lines[index].utf8.last == UInt8(ascii: "\r") ? "\r" : ""
            lines.lines[index] = line + end
        } else {
            lines.append([line])
        }
        return lines.text
    }

    func removing(_ resource: ResourceSpec, from text: String, path: String) throws -> String {
        let line = Self.line(of: resource)
        var lines = TextLines(text)
        let before = lines.lines.count
        lines.lines.removeAll { TextLines.content($0).utf8.elementsEqual(line.utf8) }
        return lines.lines.count == before ? text : lines.text
    }

    func restoring(_ original: String, for resource: ResourceSpec, in text: String, path: String) throws -> String {
        var lines = TextLines(text)
        guard let index = lines.lastIndex(of: Self.line(of: resource)) else { return text }
        let end = lines.lines[index].utf8.last == UInt8(ascii: "\r") ? "\r" : ""
        lines.lines[index] = original + end
        return lines.text
    }

    func noun(for resource: ResourceSpec) -> String {
        "the line '\(Self.shown(Self.line(of: resource)))'"
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let file = shownPath(of: resource)
        switch operation {
        case .create:
            return "Add \(noun(for: resource)) to \(file)"
        case .modify, .recreate:
            guard let reported = observation?.parameters["match"]?.stringValue, reported.hasPrefix(Self.foundPrefix) else {
                return "Add \(noun(for: resource)) to \(file)"
            }
            let found = String(reported.dropFirst(Self.foundPrefix.count))
            return "Replace the line '\(Self.shown(found))' with '\(Self.shown(Self.line(of: resource)))' in \(file)"
        case .destroy:
            return "Remove \(noun(for: resource)) from \(file)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }

    /// What refresh reports as `match` when the pattern finds another line: never equal to a pattern the config
    /// gives, which has no line break (the planner sees a modify), and the line it found for the plan's sentence.
    static let foundPrefix = "found:\n"

    static func line(of resource: ResourceSpec) -> String {
        resource.parameters["line"]?.stringValue ?? resource.address.key
    }

    /// A line for a sentence: at most 60 characters, control characters escaped by the renderer.
    static func shown(_ line: String) -> String {
        line.count > 60 ? String(line.prefix(57)) + "..." : line
    }

    /// The last line `match` matches; nil without `match`. `validate` has compiled the pattern already.
    private func matchingIndex(_ resource: ResourceSpec, in lines: TextLines) throws -> Int? {
        guard let pattern = resource.parameters["match"]?.stringValue else { return nil }
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(pattern)
        } catch {
            throw ApplyFailure("'match' is not a regular expression tend can use: \(error)")
        }
        return lines.lines.lastIndex { String(TextLines.content($0)).firstMatch(of: regex) != nil }
    }
}
