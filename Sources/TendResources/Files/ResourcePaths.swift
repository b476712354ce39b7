import TendCore

/// Path spellings shared by the file, directory, symlink and path types.
enum ResourcePaths {
    /// The absolute path in `parameter` as the loader normalised it; the address key when the parameter is
    /// missing (a resource built by hand).
    static func absolute(_ resource: ResourceSpec, _ parameter: String, home: String) -> String {
        let text = resource.parameters[parameter]?.stringValue ?? resource.address.key
        return PathNormalizer.absolute(text, home: home, base: resource.baseDirectory)
    }

    /// The home directory the resource's address was written against, found by matching its `~` key with the
    /// absolute key parameter; nil when the key is not under the home or an `id` replaced it.
    ///
    /// Messages have no host to ask (`ResourceType.message` takes none), yet must print paths in `~` form.
    static func home(of resource: ResourceSpec, _ parameter: String) -> String? {
        let key = resource.address.key
        guard key.hasPrefix("~"), let path = resource.parameters[parameter]?.stringValue else { return nil }
        let tail = key.dropFirst()
        guard tail.isEmpty || tail.hasPrefix("/"), path.hasSuffix(tail), path.count > tail.count else { return nil }
        return String(path.dropLast(tail.count))
    }

    /// The path with `~` for the home directory when the home is known.
    /// The resource's `path` as plans show it: with `~` when the config wrote it under the home directory.
    static func shownPath(of resource: ResourceSpec) -> String {
        display(resource.parameters["path"]?.stringValue ?? resource.address.key, home: home(of: resource, "path"))
    }

    /// The footprint (`PathFootprint`) of what is at the resource's `path` now.
    static func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        PathFootprint.of(absolute(resource, "path", home: host.home), files: host.files)
    }

    static func display(_ path: String, home: String?) -> String {
        guard let home else { return path }
        return PathNormalizer.addressForm(path, home: home)
    }

    /// A current value saying what is there instead, made so that it can never equal `desired` under
    /// `comparison`: the plan then shows a change rather than silently doing nothing.
    static func unequal(_ description: String, desired: Value?, comparison: Comparison) -> Value {
        var text = description
        while let desired, ValueComparison.matches(desired, .string(text), comparison: comparison, home: "/") {
            text += "!"
        }
        return .string(text)
    }

    /// "1 line", "3 lines"; "empty" for no text.
    static func lineCount(_ text: String) -> String {
        if text.isEmpty { return "empty" }
        var count = text.utf8.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        if !text.hasSuffix("\n") { count += 1 }
        return count == 1 ? "1 line" : "\(count) lines"
    }
}

extension ResourcePaths {
    /// What is at a path, as a note says it ("a directory").
    static func noun(_ kind: FileStatus.Kind) -> String {
        kind.noun
    }

    /// What is at `path` as a message says it, a special file named for what it is ("a FIFO", "a socket") by
    /// the same function `source:` is refused with.
    static func noun(_ kind: FileStatus.Kind, at path: String) -> String {
        guard kind == .other else { return noun(kind) }
        return RegularFileReader.kindName(at: path) ?? noun(kind)
    }

    /// "the directory", for messages.
    static func definiteNoun(_ kind: FileStatus.Kind) -> String {
        "the" + noun(kind).dropFirst(1)
    }

    /// The note for a path held by something of another kind than the resource's.
    static func occupiedNote(_ kind: FileStatus.Kind) -> String {
        noun(kind) + " is at this path"
    }

    /// The kind an `occupiedNote` names, so that messages can say what will be replaced.
    static func occupant(in note: String?) -> FileStatus.Kind? {
        guard let note else { return nil }
        return [FileStatus.Kind.directory, .symlink, .file, .other].first { note.hasPrefix(occupiedNote($0)) }
    }

    /// Where a symlink's stored target points: absolute, relative to the link's directory, standardised.
    static func linkTarget(_ stored: String, link: String) -> String {
        if stored.hasPrefix("/") { return PathNormalizer.standardize(stored) }
        return PathNormalizer.standardize(PathNormalizer.directory(of: link) + "/" + stored)
    }

    /// The status of what `path` finally names after following symlinks (at most 40, as the kernel does);
    /// nil when the chain ends nowhere.
    static func followedStatus(_ path: String, files: FileSystem) -> FileStatus? {
        followed(path, files: files)?.status
    }

    /// The path `path` finally names after following symlinks (at most 40, as the kernel does) and its status;
    /// nil when the chain ends nowhere.
    static func followed(_ path: String, files: FileSystem) -> (path: String, status: FileStatus)? {
        var current = path
        for _ in 0..<40 {
            guard let status = files.status(current) else { return nil }
            guard status.kind == .symlink else { return (current, status) }
            guard let stored = files.readLink(current) else { return nil }
            current = linkTarget(stored, link: current)
        }
        return nil
    }
}
