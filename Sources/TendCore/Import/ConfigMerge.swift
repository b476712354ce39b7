import TendYAML

/// Adds list items to the `resources:` of a config's text and keeps every other byte as it was: comments,
/// blank lines, quoting and order. Only text is inserted (and an empty flow list `[]` made into a block list).
public enum ConfigMerge {
    /// `text` with the items that `items(indent)` writes added at the end of its root `resources:` list.
    /// `items` gets the indentation the file's own items use.
    public static func appending(to text: String, path: String,
                                 items: (String) throws -> String) throws -> String {
        let root: Node?
        do {
            root = try Parser().parse(text)
        } catch {
            throw ConfigMergeError.unreadable(path: path, reason: "\(error)")
        }
        var lines = Self.lines(of: text)
        guard let root, !root.isNull else {
            return ensureNewline(text) + "resources:\n" + (try items("  "))
        }
        guard let pairs = root.mapping else {
            throw ConfigMergeError.notAMapping(path: path)
        }
        guard let index = pairs.firstIndex(where: { $0.key.scalar?.value == "resources" }) else {
            return ensureNewline(text) + "resources:\n" + (try items("  "))
        }
        let resources = pairs[index]
        let keyLine = resources.key.mark.line
        // The next root key, if any, ends the list: new items go above it and above the blank lines and
        // column-one comments that lead into it.
        let nextLine = pairs.map(\.key.mark.line).filter { $0 > keyLine }.min()

        if resources.value.isNull {
            let added = try items("  ")
            lines.insert(added, at: keyLine)
            return lines.joined()
        }
        guard let sequence = resources.value.sequence else {
            throw ConfigMergeError.notAList(path: path, line: resources.value.mark.line)
        }
        let valueMark = resources.value.mark
        let lineText = lines[valueMark.line - 1]
        let startIndex = lineText.unicodeScalars.index(lineText.unicodeScalars.startIndex,
                                                       offsetBy: valueMark.column - 1,
                                                       limitedBy: lineText.unicodeScalars.endIndex) ?? lineText.unicodeScalars.endIndex
        let isFlow = startIndex < lineText.unicodeScalars.endIndex && lineText.unicodeScalars[startIndex] == "["
        if isFlow {
            guard sequence.isEmpty else {
                throw ConfigMergeError.flowList(path: path, line: valueMark.line)
            }
            // `resources: []`: the brackets go, and a block list follows the key's line.
            let scalars = lineText.unicodeScalars
            guard let close = scalars[startIndex...].firstIndex(of: "]") else {
                throw ConfigMergeError.flowList(path: path, line: valueMark.line)
            }
            var rewritten = String(scalars[..<startIndex])
            while rewritten.hasSuffix(" ") { rewritten.removeLast() }
            rewritten += String(scalars[scalars.index(after: close)...])
            lines[valueMark.line - 1] = rewritten.hasSuffix("\n") ? rewritten : rewritten + "\n"
            lines.insert(try items("  "), at: valueMark.line)
            return lines.joined()
        }

        let indent = String(repeating: " ", count: max(0, valueMark.column - 1))
        var insertAt = (nextLine ?? (lines.count + 1)) - 1  // 0-based index of the line the items go before
        while insertAt > keyLine {
            let previous = lines[insertAt - 1]
            let trimmed = previous.drop { $0 == " " || $0 == "\t" }
            let isBlank = trimmed.allSatisfy { $0 == "\n" || $0 == "\r" }
            let isLeadingComment = previous.hasPrefix("#") && !indent.isEmpty
            guard isBlank || isLeadingComment else { break }
            insertAt -= 1
        }
        if insertAt > 0, !lines[insertAt - 1].hasSuffix("\n") { lines[insertAt - 1] += "\n" }
        lines.insert(try items(indent), at: insertAt)
        return lines.joined()
    }

    /// The lines of `text`, each with its line end.
    static func lines(of text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" || character == "\r\n" {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    private static func ensureNewline(_ text: String) -> String {
        text.isEmpty || text.hasSuffix("\n") ? text : text + "\n"
    }
}

/// Why `tend import --merge` cannot add to a file.
public enum ConfigMergeError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notAMapping(path: String)
    case notAList(path: String, line: Int)
    case flowList(path: String, line: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot merge into \(path): it is not valid YAML (\(reason))"
        case .notAMapping(let path):
            return "cannot merge into \(path): its top level is not a mapping of tend, include, vars and resources"
        case .notAList(let path, let line):
            return "cannot merge into \(path): 'resources' on line \(line) is not a list"
        case .flowList(let path, let line):
            return "cannot merge into \(path): 'resources' on line \(line) is a [flow, list]; write it as a block "
                + "list (one '- ' item per line) and run the merge again"
        }
    }
}
