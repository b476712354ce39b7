import TendCore

/// A directory's plan fails when something that is not a directory is where it should go, and when one that
/// should go is reached through a symlink, which apply will not remove.
extension DirectoryResource {
    public func removalProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        let path = ResourcePaths.absolute(resource, "path", home: host.home)
        guard host.files.status(path)?.kind == .symlink else { return [] }
        return [ValueProblem("path", "\(ResourcePaths.shown(path, host: host)) is a symlink, not a directory; tend "
                                 + "removes a directory itself, never a link or what it points to",
                             hint: "remove the link yourself if it should go, or stop asking tend to remove it")]
    }

    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        let path = ResourcePaths.absolute(resource, "path", home: host.home)
        return ResourcePaths.directoryObstacle(at: path, host: host)
            .map { [ValueProblem("path", $0, hint: ResourcePaths.obstacleHint)] } ?? []
    }
}
