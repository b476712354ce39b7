extension TypeSchema {
    /// How far a parameter is required, in the words `tend types` prints; agrees with the loader and the JSON
    /// Schema, which both enforce `oneRequired` rules only while the resource is present.
    public func requirement(of parameter: ParameterSchema) -> String {
        if parameter.required { return "required" }
        for case .oneRequired(let names) in rules where names.contains(parameter.name) {
            return names.count == 1 ? "required unless ensure: absent"
                : "one of " + names.joined(separator: ", ") + " is required unless ensure: absent"
        }
        return "optional"
    }
}
