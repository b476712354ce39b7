import TendCore

/// A link's plan fails when a symlink on the way is one tend does not follow, or when a directory with files,
/// or a special file, is where the link should go.
extension SymlinkResource {
    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        let path = ResourcePaths.absolute(resource, "path", home: host.home)
        // A link apply would refuse fails the plan, rather than a create that apply cannot carry out.
        if let refused = ResourcePaths.refusedLink(on: path, includingLast: false, host: host) {
            return [ValueProblem("path", refused)]
        }
        return ResourcePaths.linkObstacle(at: path, host: host)
            .map { [ValueProblem("path", $0, hint: ResourcePaths.obstacleHint)] } ?? []
    }
}
