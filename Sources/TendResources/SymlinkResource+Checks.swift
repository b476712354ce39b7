import TendCore

/// A link's plan fails when a directory with files, or a special file, is where the link should go.
extension SymlinkResource {
    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        let path = ResourcePaths.absolute(resource, "path", home: host.home)
        return ResourcePaths.linkObstacle(at: path, host: host)
            .map { [ValueProblem("path", $0, hint: ResourcePaths.obstacleHint)] } ?? []
    }
}
