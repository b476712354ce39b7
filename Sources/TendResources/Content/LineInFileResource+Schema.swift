import TendCore

extension LineInFileResource {
    static let schema = TypeSchema(
        name: "line-in-file", summary: "one line in a text file that is otherwise the user's (added, replaced or removed)",
        parameters: [
            ParameterSchema("line", .string, key: true, summary: "the whole line, without its newline",
                            example: "\"export EDITOR=vim\""),
            ParameterSchema("path", .path, required: true, modifiable: false, summary: "the file", example: "~/.profile"),
            ParameterSchema("match", .string,
                            summary: "a regular expression; the last line it matches is replaced by 'line' "
                                + "(the first time kept in backups as the original); without it, the line is added at the end",
                            example: "\"^export EDITOR=\""),
        ],
        example: """
        - type: line-in-file
          path: ~/.profile
          line: export EDITOR=vim
          match: "^export EDITOR="
        """,
        valueCheck: { resource, _ in checks(resource) })

    static func checks(_ resource: ResourceSpec) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        if let line = resource.parameters["line"]?.stringValue, line.contains(where: \.isNewline) {
            problems.append(ValueProblem("line", "the line '\(line)' has a line break in it; a line-in-file is one line",
                                         hint: "write one resource per line, or use block-in-file for several lines"))
        }
        if let pattern = resource.parameters["match"]?.stringValue {
            if pattern.contains(where: \.isNewline) {
                problems.append(ValueProblem("match", "the pattern has a line break in it, and a line never does",
                                             hint: "match within one line, e.g. \"^export EDITOR=\""))
            }
            do {
                _ = try Regex(pattern)
            } catch {
                problems.append(ValueProblem("match", "'\(pattern)' is not a regular expression: \(error)",
                                             hint: "escape special characters with \\, e.g. \"^export PATH=\\\\$HOME\""))
            }
        }
        return problems
    }
}
