import TendCore

/// A link's plan fails when a symlink on the way is one tend does not follow, or when a directory with files,
/// or a special file, is where the link should go.
extension SymlinkResource {
    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        ResourcePaths.pathProblems(resource, host: host, includingLast: false) {
            ResourcePaths.linkObstacle(at: $0, host: $1)
        }
    }
}
