import TendCore

/// A directory's plan fails when something that is not a directory is where it should go.
extension DirectoryResource {
    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        let path = ResourcePaths.absolute(resource, "path", home: host.home)
        return ResourcePaths.directoryObstacle(at: path, host: host)
            .map { [ValueProblem("path", $0, hint: ResourcePaths.obstacleHint)] } ?? []
    }
}
