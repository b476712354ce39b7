import TendCore

/// A clone's plan fails when something that is not a clone is where it should go: apply never replaces or
/// deletes what it did not clone, so a planned "Replace" could not happen.
extension GitCloneResource {
    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        guard let observation, observation.exists,
              observation.parameters["repository"]?.stringValue == Self.notARepository else { return [] }
        let why = observation.note ?? "exists but is not a git repository"
        return [ValueProblem("directory", "\(resource.address.key) \(why); tend never replaces or deletes what it did not clone",
                             hint: "move it away, or choose another directory")]
    }
}
