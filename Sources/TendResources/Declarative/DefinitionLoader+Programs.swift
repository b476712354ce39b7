import Foundation
import TendCore
import TendYAML

/// The rules that keep a definition from handing a parameter's value to something that runs it as code.
extension DefinitionLoader {
    /// Programs that run their arguments as shell text; never a definition's program.
    static let shells: Set<String> = [
        "sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "csh", "tcsh", "busybox", "eval",
    ]
    /// Programs that run the program named after their options.
    static let wrappers: Set<String> = ["env", "sudo", "nice", "xargs"]
    /// Options of interpreters whose next argument (or the rest of the same one) is code.
    static let codeOptions: Set<String> = ["-c", "-e", "--eval", "-command"]

    static func isInterpreter(_ program: String) -> Bool {
        program.hasPrefix("python") || ["perl", "ruby", "node", "osascript", "pwsh"].contains(program)
    }

    static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    mutating func checkProgram(_ template: ArgvTemplate, role: String, node: Node) {
        guard case .string(let first)? = template.elements.first else {
            error("the program of '\(role)' must be plain text, not {if} or {each}", node.mark,
                  hint: "the first element names the program to run")
            return
        }
        guard let program = first.literal, !program.isEmpty else {
            error("the program of '\(role)' holds a placeholder, so a value would choose what runs", first.mark,
                  hint: "name the program literally; pass values as later arguments")
            return
        }
        let name = Self.basename(program)
        if Self.shells.contains(name) {
            error("'\(role)' runs \(name), which would read its arguments as shell text", first.mark,
                  hint: "run the program itself with one argv element per argument; no value may reach a shell")
            return
        }
        let strings = template.strings
        if Self.wrappers.contains(name) {
            for text in strings.dropFirst() {
                if let literal = text.literal, Self.shells.contains(Self.basename(literal)) {
                    error("'\(role)' runs \(Self.basename(literal)) through \(name), which would read its arguments "
                          + "as shell text", text.mark,
                          hint: "run the program itself with one argv element per argument")
                    return
                }
            }
        }
        let interpreters = strings.compactMap(\.literal).map(Self.basename).filter(Self.isInterpreter)
        guard Self.isInterpreter(name) || (Self.wrappers.contains(name) && !interpreters.isEmpty) else { return }
        for (index, text) in strings.enumerated() {
            guard let literal = text.literal ?? text.leadingLiteral else { continue }
            let option = literal.lowercased()
            if Self.codeOptions.contains(option), index + 1 < strings.count, strings[index + 1].hasPlaceholder {
                error("'\(role)' hands a placeholder to \(name) \(literal) as code to run", strings[index + 1].mark,
                      hint: "pass values as arguments the code reads (sys.argv, ARGV), never inside the code")
                return
            }
            if text.hasPlaceholder, Self.codeOptions.contains(where: { option.hasPrefix($0) }) {
                error("'\(role)' puts a placeholder into the code of \(name) \(literal)", text.mark,
                      hint: "pass values as arguments the code reads, never inside the code")
                return
            }
        }
    }
}

extension TemplateString {
    /// The literal text before the first placeholder, when the element starts with literal text.
    var leadingLiteral: String? {
        if case .literal(let text)? = pieces.first { return text }
        return nil
    }
}
