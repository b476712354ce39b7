import TendCore

/// An archive unpacked into a private directory of tend's and checked before anything of it is placed: members
/// listed first and refused when absolute or climbing out with `..`; then the extracted tree walked by handle,
/// refusing special files and links that lead outside the resource's directory, with `stripComponents` applied.
struct ArchiveExtraction {
    /// One entry to place: where it goes (relative, after stripping), what it is, and where its bytes are.
    struct Staged {
        var path: String
        var kind: ArchiveEntry.Kind
        var mode: Int
        var target: String?
        /// The directory (in the private tree) holding a file's bytes, and its name there.
        var source: (directory: DirectoryHandle, name: String)?
    }

    /// The most members tend unpacks from one archive, and the most bytes they may hold together.
    static let memberLimit = 100_000
    static let byteLimit = 1 << 30
    /// How deep the extracted tree may go.
    static let depthLimit = 64

    let workspace: PrivateDirectory
    var staged: [Staged] = []

    /// Lists, checks, extracts and walks `archive` (its bytes, already checked against the pinned digest).
    static func unpack(_ archive: [UInt8], format: ArchiveFormat, strip: Int, host: Machine, url: String) async throws -> ArchiveExtraction {
        let workspace: PrivateDirectory
        do {
            workspace = try PrivateDirectory.make(purpose: "archive", environment: host.facts.environment,
                                                  fallback: host.stateHome + "/tend")
        } catch {
            throw ApplyFailure("could not make a private directory to unpack \(url) in: \(error)")
        }
        var extraction = ArchiveExtraction(workspace: workspace)
        do {
            try workspace.handle.write(archive, to: "archive", mode: 0o600)
            let archivePath = workspace.path + "/archive"
            let listing = try await run(format.listArguments(archivePath), format: format, host: host, url: url)
            let names = listing.output.split(separator: "\n").map(String.init)
            guard names.count <= memberLimit else {
                throw ApplyFailure("\(url) has \(names.count) members, more than the \(memberLimit) tend unpacks; nothing was placed")
            }
            for name in names {
                if let problem = ArchiveFormat.memberProblem(name) {
                    throw ApplyFailure("\(url) is refused: \(problem); nothing was placed")
                }
            }
            let tree = try workspace.handle.makeDirectory("tree", mode: 0o700)
            _ = try await run(format.extractArguments(archivePath, into: workspace.path + "/tree"), format: format,
                              host: host, url: url)
            var total = 0
            try extraction.walk(tree, components: [], strip: strip, total: &total, url: url)
            try extraction.checkLinks(url: url)
        } catch {
            workspace.remove()
            throw error
        }
        return extraction
    }

    /// Removes the private directory and everything unpacked in it.
    func discard() {
        try? workspace.handle.removeTree("tree")
        workspace.remove()
    }

    private static func run(_ arguments: [String], format: ArchiveFormat, host: Machine, url: String) async throws -> CommandResult {
        let result: CommandResult
        do {
            result = try await host.runner.run(Command(arguments, timeout: 300))
        } catch CommandError.launchFailed {
            throw ApplyFailure("\(format.tool) is not installed, so \(url) cannot be unpacked; install it (apt-get install \(format.tool))")
        } catch {
            throw ApplyFailure("could not unpack \(url): \(error); nothing was placed")
        }
        guard result.succeeded else {
            throw ApplyFailure("could not unpack \(url): `\(result.command)` exited with status \(result.status): "
                + "\(result.tail()); nothing was placed")
        }
        return result
    }

    private mutating func walk(_ directory: DirectoryHandle, components: [String], strip: Int, total: inout Int, url: String) throws {
        guard components.count < Self.depthLimit else {
            throw ApplyFailure("\(url) nests deeper than \(Self.depthLimit) directories; nothing was placed")
        }
        guard let names = directory.entryNames() else {
            throw ApplyFailure("could not list what \(url) unpacked to; nothing was placed")
        }
        for name in names.sorted() {
            guard let status = directory.status(of: name) else { continue }
            let path = components + [name]
            let placed = path.count > strip ? path.dropFirst(strip).joined(separator: "/") : nil
            switch status.kind {
            case .directory:
                if let placed {
                    staged.append(Staged(path: placed, kind: .directory, mode: status.mode & 0o777 | 0o700))
                }
                try walk(directory.directory(name), components: path, strip: strip, total: &total, url: url)
            case .file:
                total += status.size
                guard total <= Self.byteLimit, status.size <= HTTPFetch.limit else {
                    throw ApplyFailure("\(url) unpacks to more than tend places (\(HTTPFetch.limit >> 20) MiB a file, "
                        + "\(Self.byteLimit >> 20) MiB in all); nothing was placed")
                }
                guard staged.count < Self.memberLimit else { continue }
                // No set-user-ID, set-group-ID or sticky bits from a download.
                if let placed {
                    staged.append(Staged(path: placed, kind: .file, mode: status.mode & 0o777 | 0o600,
                                         source: (directory, name)))
                }
            case .symlink:
                guard let target = directory.readLink(name) else {
                    throw ApplyFailure("could not read the link \(path.joined(separator: "/")) in \(url); nothing was placed")
                }
                if let placed { staged.append(Staged(path: placed, kind: .symlink, mode: 0o777, target: target)) }
            case .other:
                throw ApplyFailure("\(url) is refused: member '\(path.joined(separator: "/"))' is a special file "
                    + "(device, FIFO or socket); nothing was placed")
            }
        }
    }

    /// Refuses a link that is absolute, climbs above the resource's directory, or climbs through another link
    /// (whose own target would decide where `..` lands).
    private func checkLinks(url: String) throws {
        let links = Set(staged.filter { $0.kind == .symlink }.map(\.path))
        for entry in staged where entry.kind == .symlink {
            let target = entry.target ?? ""
            func refuse(_ why: String) -> ApplyFailure {
                ApplyFailure("\(url) is refused: the link '\(entry.path)' -> '\(target)' \(why); nothing was placed")
            }
            guard !target.isEmpty, !target.hasPrefix("/") else { throw refuse("is absolute") }
            var current = entry.path.split(separator: "/").dropLast().map(String.init)
            let parts = target.split(separator: "/").map(String.init)
            for (index, part) in parts.enumerated() {
                if part == "." { continue }
                if part == ".." {
                    guard !current.isEmpty else { throw refuse("leads outside the directory") }
                    current.removeLast()
                    continue
                }
                current.append(part)
                if index < parts.count - 1, links.contains(current.joined(separator: "/")) {
                    throw refuse("goes through another link")
                }
            }
        }
    }
}
