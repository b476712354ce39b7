import TendCore

/// A file's plan fails when a symlink on the way is one tend does not follow, or when a directory with files,
/// or a special file, is where the file should go.
extension FileResource {
    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        ResourcePaths.pathProblems(resource, host: host, includingLast: false) {
            ResourcePaths.fileObstacle(at: $0, host: $1)
        }
    }
}
