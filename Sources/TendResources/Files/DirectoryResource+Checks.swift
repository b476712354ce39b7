import TendCore

/// A directory's plan fails when a symlink on the way (or at the path) is one tend does not follow, or when
/// something that is not a directory is where it should go; removing one fails when it is reached through a
/// symlink, which apply will not remove.
extension DirectoryResource {
    public func removalProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        let path = ResourcePaths.absolute(resource, "path", home: host.home)
        guard host.files.status(path)?.kind == .symlink else { return [] }
        return [ValueProblem("path", "\(ResourcePaths.shown(path, host: host)) is a symlink, not a directory; tend "
                                 + "removes a directory itself, never a link or what it points to",
                             hint: "remove the link yourself if it should go, or stop asking tend to remove it")]
    }

    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        ResourcePaths.pathProblems(resource, host: host, includingLast: true) {
            ResourcePaths.directoryObstacle(at: $0, host: $1)
        }
    }
}
