/// The plan's own checks: what the loader could not check because it waited for `${outputs...}` that the
/// state now fills in, and what only the host shows (something in the way of a file or link).
extension Engine {
    /// The host is asked only about resources the plan changes: one left as it is writes nothing that could be
    /// refused, and a no-op plan over a thousand files must not walk each path again.
    func planProblems(config: Config, resources: [ResourceSpec], observations: [Address: Observation],
                      changed: Set<Address>) -> [Diagnostic] {
        var written: [Address: ResourceSpec] = [:]
        for resource in config.resources where !resource.outputReferences.isEmpty {
            written[resource.address] = written[resource.address] ?? resource
        }
        let catalog = registry.catalog
        var context: ValueCheckContext?
        var diagnostics: [Diagnostic] = []
        func report(_ problems: [ValueProblem], of resource: ResourceSpec) {
            for problem in problems {
                diagnostics.append(.error(problem.message,
                                          at: resource.parameterLocations[problem.parameter] ?? resource.location,
                                          hint: problem.hint))
            }
        }
        for resource in resources {
            if let original = written[resource.address], let schema = catalog[resource.type] {
                let filled = Set(original.outputReferences.map(\.parameter))
                    .subtracting(resource.outputReferences.map(\.parameter))
                if !filled.isEmpty {
                    if context == nil {
                        context = ValueCheckContext(resources: config.resources, catalog: catalog, home: host.home,
                                                    files: host.files)
                    }
                    report(schema.valueProblems(resource, context: context!).filter { filled.contains($0.parameter) },
                           of: resource)
                }
            }
            guard resource.isActive, changed.contains(resource.address), let type = registry[resource.type] else { continue }
            if resource.ensure == .absent {
                report(type.removalProblems(resource, observation: observations[resource.address], host: host), of: resource)
            } else {
                report(type.planProblems(resource, observation: observations[resource.address], host: host), of: resource)
            }
        }
        return diagnostics
    }
}

extension PlanResult {
    /// Throws `PlanProblems` when the plan found values apply would refuse; commands call it before they show
    /// or run the plan.
    public func refusingProblems() throws -> PlanResult {
        if !problems.isEmpty { throw PlanProblems(diagnostics: problems) }
        return self
    }
}
