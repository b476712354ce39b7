import TendCore

/// A regular file with exact `content`, or a byte-for-byte copy of a `source` file; mode, owner and group.
///
/// Refresh runs no process: one `lstat` and one read per file (and one read per source). Content is compared by
/// bytes. Something else at the path (a directory, a symlink) is reported present with a `content` or `source`
/// that cannot match, so the plan shows a change instead of silently doing nothing.
public struct FileResource: ApplyingResourceType {
    public init() {}

    public var schema: TypeSchema { BuiltinSchemas.file }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        // One walk from / per parent directory, not per file: a no-op plan over many files must stay fast.
        let parents = DirectoryHandleCache()
        return OwnershipNames.observeEach(resources) { observe($0, host: host, names: &$1, parents: parents) }
    }

    func observe(_ resource: ResourceSpec, host: Machine, names: inout OwnershipNames,
                 parents: DirectoryHandleCache = DirectoryHandleCache(capacity: 1)) -> Observation {
        let files = host.files
        let path = ResourcePaths.absolute(resource, "path", home: host.home)
        let desiredContent = resource.parameters["content"]?.stringValue
        let sourcePath = resource.parameters["source"]?.stringValue
        // A diff would print a sensitive value in clear.
        let showsDiff = !resource.isSensitive("content") && !resource.isSensitive("source")

        var source: [UInt8]?
        var sourceProblem: String?
        if let sourcePath {
            // Bounded, and never a device or a FIFO: `source: /dev/zero` would otherwise read for ever.
            do {
                source = try RegularFileReader.read(sourcePath, limit: RegularFileReader.sourceLimit)
            } catch {
                sourceProblem = "source " + error.showing(PathNormalizer.addressForm(sourcePath, home: host.home)).description
            }
        }
        let desiredText = desiredContent ?? source.flatMap { String(validating: $0, as: UTF8.self) }

        guard let status = files.status(path) else {
            var observation = Observation.absent(["does not exist", sourceProblem].compactMap { $0 }.joined(separator: "; "))
            if showsDiff, let desiredText {
                observation.contentChange = ContentChange(path: path, before: "", after: desiredText)
            }
            return observation
        }

        var parameters = names.parameters(status, files: files)
        guard status.kind == .file else {
            var note = ResourcePaths.occupiedNote(status.kind)
            if status.kind == .symlink, let stored = files.readLink(path) {
                note += " (-> \(PathNormalizer.addressForm(ResourcePaths.linkTarget(stored, link: path), home: host.home)))"
            }
            let what = "(\(ResourcePaths.noun(status.kind)))"
            if let desiredContent {
                parameters["content"] = ResourcePaths.unequal(what, desired: .string(desiredContent), comparison: .exact)
            }
            if let sourcePath {
                parameters["source"] = ResourcePaths.unequal(what, desired: .string(sourcePath), comparison: .path)
            }
            return .present(parameters, note: [note, sourceProblem].compactMap { $0 }.joined(separator: "; "))
        }

        guard desiredContent != nil || sourcePath != nil else { return .present(parameters) }
        // A file larger than any source tend copies cannot match: it is not read, so it cannot exhaust memory.
        if status.size > RegularFileReader.sourceLimit {
            let what = "(\(status.size) bytes)"
            if let desiredContent {
                parameters["content"] = ResourcePaths.unequal(what, desired: .string(desiredContent), comparison: .exact)
            }
            if let sourcePath {
                parameters["source"] = ResourcePaths.unequal(what, desired: .string(sourcePath), comparison: .path)
            }
            let note = "the file is \(status.size) bytes, more than the \(RegularFileReader.sourceLimit >> 20) MiB tend compares"
            return .present(parameters, note: [note, sourceProblem].compactMap { $0 }.joined(separator: "; "))
        }
        // Not `read`: the path was a file at the lstat above, and a link swapped in since must not be read.
        guard let current = files.readEntry(path, cache: parents) else {
            let unreadable = "(unreadable)"
            if let desiredContent {
                parameters["content"] = ResourcePaths.unequal(unreadable, desired: .string(desiredContent), comparison: .exact)
            }
            if let sourcePath {
                parameters["source"] = ResourcePaths.unequal(unreadable, desired: .string(sourcePath), comparison: .path)
            }
            return .present(parameters, note: ["the file cannot be read", sourceProblem].compactMap { $0 }.joined(separator: "; "))
        }
        let contentMatches = desiredContent.map { current.count == $0.utf8.count && current.elementsEqual($0.utf8) }
        let sourceMatches = source.map { current == $0 }
        // Decoded only when something differs: a no-op plan over many files must not pay for it.
        let currentText = contentMatches == false || sourceMatches == false
            ? String(validating: current, as: UTF8.self) : nil
        var notes: [String] = []
        var contentChange: ContentChange?

        if let desiredContent {
            if contentMatches == true {
                parameters["content"] = .string(desiredContent)
            } else if let currentText, currentText != desiredContent {
                parameters["content"] = .string(currentText)
                contentChange = ContentChange(path: path, before: currentText, after: desiredContent)
            } else {
                // Not UTF-8, or text that Swift calls equal (canonically equivalent) while the bytes differ.
                let what = currentText == nil ? "(binary, \(current.count) bytes)" : "(same text, other bytes)"
                parameters["content"] = ResourcePaths.unequal(what, desired: .string(desiredContent), comparison: .exact)
                notes.append(currentText == nil ? "the file is not UTF-8 text" : "the text differs in Unicode normalisation")
            }
        }
        if let sourcePath {
            if sourceMatches == true {
                parameters["source"] = .string(sourcePath)
            } else if sourceMatches == false {
                parameters["source"] = ResourcePaths.unequal("(different content)", desired: .string(sourcePath),
                                                             comparison: .path)
                if let currentText, let desiredText {
                    contentChange = ContentChange(path: path, before: currentText, after: desiredText)
                }
            } else {
                parameters["source"] = ResourcePaths.unequal("(source unreadable)", desired: .string(sourcePath),
                                                             comparison: .path)
            }
        }
        if let sourceProblem { notes.append(sourceProblem) }
        var observation = Observation.present(parameters, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
        if showsDiff { observation.contentChange = contentChange }
        return observation
    }

    public func subject(of resource: ResourceSpec) -> String {
        ResourcePaths.shownPath(of: resource)
    }

    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        ResourcePaths.footprint(of: resource, host: host)
    }

    public var keepsOriginals: Bool { true }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let home = ResourcePaths.home(of: resource, "path")
        let path = ResourcePaths.shownPath(of: resource)
        let sensitive = resource.isSensitive("content") || resource.isSensitive("source")
        switch operation {
        case .create:
            if let source = resource.parameters["source"]?.stringValue {
                return "Create \(path) (copy of \(ResourcePaths.display(source, home: home)))"
            }
            if let content = resource.parameters["content"]?.stringValue, !sensitive {
                return "Create \(path) (\(ResourcePaths.lineCount(content)))"
            }
            return "Create \(path)"
        case .destroy:
            return "Remove \(path)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        case .modify, .recreate:
            if let occupant = ResourcePaths.occupant(in: observation?.note), occupant != .file {
                return "Replace \(ResourcePaths.definiteNoun(occupant)) at \(path) with a file"
            }
            var parts: [String] = []
            if changes.contains(where: { $0.name == "content" || $0.name == "source" }) {
                if !sensitive, let diff = observation?.contentChange {
                    switch LineDiff.changedLineCount(before: diff.before, after: diff.after) {
                    case nil: parts.append("content replaced (\(LineDiff.summary(before: diff.before, after: diff.after)))")
                    case 0? where diff.before + "\n" == diff.after: parts.append("newline added at the end")
                    case 0? where diff.before == diff.after + "\n": parts.append("newline at the end removed")
                    case 0?: parts.append("content replaced")
                    case 1?: parts.append("1 line changed")
                    case let count?: parts.append("\(count) lines changed")
                    }
                } else {
                    parts.append("content replaced")
                }
            }
            let attributes = changes.filter { ["mode", "owner", "group"].contains($0.name) }
            if parts.isEmpty, attributes.count == 1, let change = attributes.first {
                return "Change \(change.name) of \(path) from \(change.before?.text ?? "unset") to \(change.after?.text ?? "unset")"
            }
            for change in attributes {
                parts.append("\(change.name) \(change.before?.text ?? "unset") to \(change.after?.text ?? "unset")")
            }
            return "Update \(path): " + (parts.isEmpty ? changes.map(\.name).joined(separator: ", ") : parts.joined(separator: ", "))
        }
    }
}
