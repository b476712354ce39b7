import Foundation
import TendCore

/// The value checks a definition implies, run by `validate` (literal values) and `plan` (interpolated ones):
/// `pattern`, and no value that a program would read as an option.
struct DeclarativeValueCheck: Sendable {
    var typeName: String
    var patterns: [String: String]
    /// Parameters whose value starts an argv element, without `allowDash`.
    var optionChecked: Set<String>

    func check(_ resource: ResourceSpec, _ context: ValueCheckContext) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        for name in resource.parameters.keys.sorted() {
            guard let text = textValue(resource.parameters[name]!) else { continue }
            if optionChecked.contains(name), text.hasPrefix("-") {
                problems.append(ValueProblem(
                    name, "\(name) \(Value.string(text)) of type \(typeName) starts with '-', so the program "
                        + "would read it as an option",
                    hint: "a value that starts with '-' is refused; if the program takes such values as operands, "
                        + "the definition can say allowDash: true"))
                continue
            }
            if let pattern = patterns[name], let regex = try? Regex(pattern),
               (try? regex.firstMatch(in: text)) == nil {
                problems.append(ValueProblem(
                    name, "\(name) \(Value.string(text)) is not a valid value for type \(typeName)",
                    hint: "it must match the pattern \(pattern)"))
            }
        }
        return problems
    }

    private func textValue(_ value: Value) -> String? {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        default: return nil
        }
    }
}
