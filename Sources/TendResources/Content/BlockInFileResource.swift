import Foundation
import TendCore

/// `block-in-file`: lines of text between two marker lines in a file the user also edits (an ssh config
/// snippet, a shell function in `~/.bashrc`). The markers are comments made from `marker`, with `{mark}` read as
/// BEGIN and END and `{name}` as the resource's name; only the lines between them are tend's. A new block goes at
/// the end of the file; removing it takes out the markers and what is between them.
public struct BlockInFileResource: ContentResourceType {
    public init() {}

    public var schema: TypeSchema { Self.schema }

    /// The block's lines, from its BEGIN line through its END line (indices into the file's lines).
    struct Span {
        var begin: Int
        var end: Int
    }

    static func name(of resource: ResourceSpec) -> String {
        resource.parameters["name"]?.stringValue ?? resource.address.key
    }

    static func markers(of resource: ResourceSpec) -> (begin: String, end: String) {
        let template = resource.parameters["marker"]?.stringValue ?? defaultMarker
        let named = template.replacingOccurrences(of: "{name}", with: name(of: resource))
        return (named.replacingOccurrences(of: "{mark}", with: "BEGIN"), named.replacingOccurrences(of: "{mark}", with: "END"))
    }

    static let defaultMarker = "# {mark} tend: {name}"

    /// The block text as the config wants it between the markers: one final newline is the YAML `|`'s, not a line.
    static func body(of resource: ResourceSpec) -> [String] {
        var text = resource.parameters["block"]?.stringValue ?? ""
        if text.hasSuffix("\n") { text.removeLast() }
        return text.isEmpty ? [] : TextLines(text + "\n").lines
    }

    /// Where the block is; nil when the file has none. Throws for a BEGIN without an END, or two blocks.
    func span(of resource: ResourceSpec, in lines: TextLines, path: String) throws -> Span? {
        let (begin, end) = Self.markers(of: resource)
        var found: Span?
        var index = 0
        while index < lines.lines.count {
            defer { index += 1 }
            guard TextLines.content(lines.lines[index]).utf8.elementsEqual(begin.utf8) else { continue }
            guard found == nil else {
                throw ContentError.malformed(path: path, reason: "has the line '\(begin)' twice; tend will not pick one "
                    + "(remove one block by hand)")
            }
            guard let close = lines.lines[(index + 1)...].firstIndex(where: { TextLines.content($0).utf8.elementsEqual(end.utf8) })
            else {
                throw ContentError.malformed(path: path, reason: "has the line '\(begin)' without a line '\(end)' after "
                    + "it; tend will not guess where its block ends (add the END line or remove the BEGIN line by hand)")
            }
            found = Span(begin: index, end: close)
            index = close
        }
        return found
    }

    func fragment(of resource: ResourceSpec, in text: String, path: String) throws -> String? {
        let lines = TextLines(text)
        guard let span = try span(of: resource, in: lines, path: path) else { return nil }
        return lines.lines[(span.begin + 1)..<span.end].map { String(TextLines.content($0)) }.joined(separator: "\n")
    }

    func desiredFragment(of resource: ResourceSpec) throws -> String {
        Self.body(of: resource).joined(separator: "\n")
    }

    func observe(_ resource: ResourceSpec, in text: String, path: String, shownPath: String) throws -> Observation {
        guard let current = try fragment(of: resource, in: text, path: shownPath) else {
            return .absent("no block '\(Self.name(of: resource))' in \(shownPath)")
        }
        let equal = current == (try desiredFragment(of: resource))
        var parameters = ["block": Self.reported(equal ? current : current + "\n", desired: resource.parameters["block"],
                                                 equal: equal)]
        // Found by these very markers.
        if let marker = resource.parameters["marker"] { parameters["marker"] = marker }
        return .present(parameters)
    }

    func placing(_ resource: ResourceSpec, in text: String, path: String) throws -> String {
        var lines = TextLines(text)
        let end = lines.lineEnd
        let body = Self.body(of: resource).map { $0 + end }
        if let span = try span(of: resource, in: lines, path: path) {
            let current = lines.lines[(span.begin + 1)..<span.end].map { String(TextLines.content($0)) }
            if current == Self.body(of: resource) { return text }
            lines.lines.replaceSubrange((span.begin + 1)..<span.end, with: body)
            return lines.text
        }
        let (begin, close) = Self.markers(of: resource)
        lines.append([begin] + Self.body(of: resource) + [close])
        return lines.text
    }

    func removing(_ resource: ResourceSpec, from text: String, path: String) throws -> String {
        var lines = TextLines(text)
        guard let span = try span(of: resource, in: lines, path: path) else { return text }
        lines.lines.removeSubrange(span.begin...span.end)
        return lines.text
    }

    func restoring(_ original: String, for resource: ResourceSpec, in text: String, path: String) throws -> String {
        var lines = TextLines(text)
        guard let span = try span(of: resource, in: lines, path: path) else { return text }
        let end = lines.lineEnd
        let kept = original.isEmpty ? [] : TextLines(original + "\n").lines.map { $0 + end }
        lines.lines.replaceSubrange((span.begin + 1)..<span.end, with: kept)
        return lines.text
    }

    func noun(for resource: ResourceSpec) -> String {
        "the block '\(Self.name(of: resource))'"
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let file = shownPath(of: resource)
        let count = Self.body(of: resource).count
        let lines = count == 1 ? "1 line" : "\(count) lines"
        switch operation {
        case .create:
            return "Add \(noun(for: resource)) (\(lines) between markers) at the end of \(file)"
        case .modify, .recreate:
            return "Replace what is between the markers of \(noun(for: resource)) in \(file) with \(lines)"
        case .destroy:
            return "Remove \(noun(for: resource)) and its markers from \(file)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }
}
