import Foundation
import TendCore

/// Reads a list command's output into items, each a mapping of parameter names to values.
enum ListOutput {
    /// The items of `output`; throws when JSON output is not JSON or has nothing at the items path.
    static func items(_ output: String, reading: ListReading, kinds: [String: ParameterKind])
        throws(ListOutputError) -> [[String: Value]] {
        switch reading {
        case .json(let path, let fields):
            let root: JSON
            do {
                root = try JSON.parse(output)
            } catch {
                throw .notJSON("\(error)")
            }
            var node = root
            for key in path {
                // A tool that has nothing to list often leaves the key out (npm without global packages) or
                // prints an empty list (pnpm): no items, not an error.
                guard let next = step(node, key) else { return [] }
                node = next
            }
            let entries: [(String?, JSON)]
            switch node {
            case .object(let pairs): entries = pairs.map { ($0.0, $0.1) }
            case .array(let elements): entries = elements.map { (nil, $0) }
            case .null: entries = []
            default: throw .noItems(path: path.isEmpty ? "." : "." + path.joined(separator: "."))
            }
            return entries.map { key, item in
                var values: [String: Value] = [:]
                for (name, field) in fields {
                    let found: JSON?
                    switch field {
                    case .key: found = key.map(JSON.string)
                    case .path(let steps):
                        var current: JSON? = item
                        for key in steps { current = current.flatMap { step($0, key) } }
                        found = current
                    }
                    if let found, let value = value(found, kind: kinds[name] ?? .string) { values[name] = value }
                }
                return values
            }
        case .lines(let pattern, let skip):
            guard let regex = try? Regex(pattern) else { return [] }
            let names = groupNames(in: pattern)
            var items: [[String: Value]] = []
            for line in output.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(skip) {
                let text = line.hasSuffix("\r") ? line.dropLast() : line
                guard let match = try? regex.firstMatch(in: String(text)) else { continue }
                var values: [String: Value] = [:]
                for name in names {
                    guard let captured = match.output[name]?.substring else { continue }
                    if let value = value(.string(String(captured)), kind: kinds[name] ?? .string) { values[name] = value }
                }
                items.append(values)
            }
            return items
        }
    }

    /// One step of a path: an object's key, or a list's index when the step is a number (`.0.dependencies`).
    static func step(_ node: JSON, _ key: String) -> JSON? {
        if case .array(let elements) = node {
            guard let index = Int(key), elements.indices.contains(index) else { return nil }
            return elements[index]
        }
        return node[key]
    }

    /// A listed value as the parameter's kind; nil when it does not fit.
    static func value(_ json: JSON, kind: ParameterKind) -> Value? {
        switch (kind, json) {
        case (.int, .int(let number)): return .int(number)
        case (.int, .string(let text)): return Int(text).map(Value.int)
        case (.bool, .bool(let flag)): return .bool(flag)
        case (.bool, .string(let text)): return text == "true" ? .bool(true) : text == "false" ? .bool(false) : nil
        case (.list, .array(let items)): return .list(items.map(Value.init(json:)))
        case (.map, .object): return Value(json: json)
        case (_, .string(let text)): return .string(text)
        case (_, .int(let number)): return .string(String(number))
        case (_, .double): return Value(json: json)
        case (_, .bool(let flag)): return .string(flag ? "true" : "false")
        default: return nil
        }
    }

    /// The names of `(?<name>...)` and `(?P<name>...)` groups, in order.
    static func groupNames(in pattern: String) -> [String] {
        var names: [String] = []
        let characters = Array(pattern)
        var index = 0
        while index < characters.count {
            if characters[index] == "\\" { index += 2; continue }
            if characters[index] == "(", index + 2 < characters.count, characters[index + 1] == "?" {
                var start = index + 2
                if characters[start] == "P" { start += 1 }
                if start < characters.count, characters[start] == "<",
                   start + 1 < characters.count, characters[start + 1] != "=", characters[start + 1] != "!" {
                    var end = start + 1
                    while end < characters.count, characters[end] != ">" { end += 1 }
                    names.append(String(characters[(start + 1)..<end]))
                    index = end
                }
            }
            index += 1
        }
        return names
    }
}

/// Why a list command's output could not be read.
enum ListOutputError: Error, Sendable, CustomStringConvertible {
    case notJSON(String)
    case noItems(path: String)

    var description: String {
        switch self {
        case .notJSON(let reason): return "its output is not JSON (\(reason))"
        case .noItems(let path): return "its output has no object or list at \(path)"
        }
    }
}
