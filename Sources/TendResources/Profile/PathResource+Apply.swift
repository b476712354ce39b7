import TendCore

/// PATH entries go into tend's profile through `ProfileWriter`, one write per batch. A changed position moves
/// the entry in place; a new one goes last, so it is applied after those already there.
extension PathResource {
    public var batchSize: Int { ProfileWriter.batchSize }
    public var lockGroup: String? { ProfileWriter.lockGroup }

    public func apply(_ requests: [ChangeRequest], context: ApplyContext) async -> ChangeOutcomes {
        ProfileWriter.apply(requests, context: context) { request, profile in
            let directory = ResourcePaths.absolute(request.resource, "directory", home: context.host.home)
            let isThisDirectory = { (entry: ShellProfile.PathEntry) in
                PathNormalizer.standardize(entry.directory) == directory
            }
            if request.operation == .destroy {
                profile.pathEntries.removeAll(where: isThisDirectory)
                return nil
            }
            if let problem = ShellProfile.problem(path: directory) { return problem }
            let text = request.value("position", schema: schema)?.text ?? ShellProfile.Position.prepend.rawValue
            guard let position = ShellProfile.Position(rawValue: text) else {
                return "position '\(text)' of \(request.address) is neither prepend nor append"
            }
            if let index = profile.pathEntries.firstIndex(where: isThisDirectory) {
                profile.pathEntries[index] = ShellProfile.PathEntry(directory: directory, position: position)
                let later = profile.pathEntries.indices.filter { $0 > index && isThisDirectory(profile.pathEntries[$0]) }
                for duplicate in later.reversed() { profile.pathEntries.remove(at: duplicate) }
            } else {
                profile.pathEntries.append(ShellProfile.PathEntry(directory: directory, position: position))
            }
            return nil
        }
    }
}
