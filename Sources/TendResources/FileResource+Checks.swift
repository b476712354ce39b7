import TendCore

/// A file's plan fails when a directory with files, or a special file, is where the file should go.
extension FileResource {
    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        let path = ResourcePaths.absolute(resource, "path", home: host.home)
        return ResourcePaths.fileObstacle(at: path, host: host)
            .map { [ValueProblem("path", $0, hint: ResourcePaths.obstacleHint)] } ?? []
    }
}
