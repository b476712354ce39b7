/// What a probing shell printed: its environment (`env`), a marker line, then its aliases (`alias` in bash and
/// zsh, `functions -n` in fish, where tend's aliases are functions).
struct ShellSight {
    var variables: [String: String] = [:]
    var aliases: Set<String> = []

    /// Nil when the marker is missing: the shell stopped before it ran the probe to the end.
    init?(output: String, shell: String) {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let marker = lines.firstIndex(of: Doctor.aliasMarker) else { return nil }
        for line in lines[..<marker] {
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else { continue }
            variables[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        for line in lines[(marker + 1)...] {
            if shell == "fish" {
                for name in line.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) { aliases.insert(String(name)) }
                continue
            }
            // bash: `alias gs='git status'`; zsh: `gs='git status'`, a name with odd characters in quotes.
            var text = Substring(line)
            if text.hasPrefix("alias ") { text = text.dropFirst(6) }
            guard let equals = text.firstIndex(of: "=") else { continue }
            var name = text[..<equals]
            if name.hasPrefix("'"), name.hasSuffix("'"), name.count >= 2 { name = name.dropFirst().dropLast() }
            aliases.insert(String(name))
        }
    }
}
