import TendCore

/// tend's managed shell profile: the aliases, environment variables and PATH entries of the alias, env and path
/// resources, which tend writes to `profile.sh` (sourced by sh, bash and zsh) and `profile.fish`, and which
/// refresh reads back from `profile.sh`.
///
/// Invariants: `parse(renderPOSIX())` gives back every entry `problems` does not name, value for value (any
/// text without NUL: quotes, `$(...)`, backticks, newlines, backslashes, unicode); the renderers never write an
/// entry whose name or value a shell could read as anything but literal text, and skip such entries instead.
public struct ShellProfile: Sendable, Hashable {
    /// Where a PATH entry goes relative to the PATH the shell already has.
    public enum Position: String, Sendable, Hashable, CaseIterable {
        case prepend, append
    }

    /// One directory put on PATH.
    public struct PathEntry: Sendable, Hashable {
        /// An absolute, standardised directory.
        public var directory: String
        public var position: Position

        public init(directory: String, position: Position) {
            self.directory = directory
            self.position = position
        }
    }

    /// Alias name to the command it stands for.
    public var aliases: [String: String]
    /// Variable name to its literal value.
    public var environment: [String: String]
    /// PATH entries in the order they are applied; the first entry for a directory wins.
    public var pathEntries: [PathEntry]

    public init(aliases: [String: String] = [:], environment: [String: String] = [:], pathEntries: [PathEntry] = []) {
        self.aliases = aliases
        self.environment = environment
        self.pathEntries = pathEntries
    }

    /// The POSIX profile, `$XDG_CONFIG_HOME/tend/profile.sh` (else `~/.config/tend/profile.sh`).
    public static func path(for host: Machine) -> String {
        host.configHome + "/tend/profile.sh"
    }

    /// The fish profile, beside the POSIX one.
    public static func fishPath(for host: Machine) -> String {
        host.configHome + "/tend/profile.fish"
    }

    /// The profile as `profile.sh` holds it now, for refresh: empty, with the reason, when there is none yet or
    /// it cannot be read. Text that is not UTF-8 is read with replacement characters, so the entries it does
    /// hold still count.
    /// Refresh of a named profile entry (an alias, a variable): one read of the profile for all resources,
    /// each present with its `value` when `entries` of the profile holds its name.
    static func observeNamedValues(_ resources: [ResourceSpec], host: Machine,
                                   in entries: KeyPath<ShellProfile, [String: String]>) -> [Address: Observation] {
        let (profile, problem) = current(on: host)
        let missing = problem ?? "not in \(PathNormalizer.addressForm(path(for: host), home: host.home))"
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let name = resource.parameters["name"]?.stringValue ?? resource.address.key
            if let value = profile[keyPath: entries][name] {
                observations[resource.address] = .present(["value": .string(value)])
            } else {
                observations[resource.address] = .absent(missing)
            }
        }
        return observations
    }

    public static func current(on host: Machine) -> (profile: ShellProfile, problem: String?) {
        let path = path(for: host)
        let shown = PathNormalizer.addressForm(path, home: host.home)
        guard let status = host.files.status(path) else { return (ShellProfile(), "\(shown) does not exist yet") }
        guard status.kind == .file, let bytes = host.files.read(path) else {
            return (ShellProfile(), "\(shown) cannot be read")
        }
        return (parse(String(decoding: bytes, as: UTF8.self)), nil)
    }

    /// The entry for `directory` (compared after standardisation), if any.
    public func pathEntry(for directory: String) -> PathEntry? {
        let wanted = PathNormalizer.standardize(directory)
        return pathEntries.first { PathNormalizer.standardize($0.directory) == wanted }
    }

    // MARK: Names and values a shell reads literally

    /// Alias names every supported shell accepts as a plain word: `[A-Za-z0-9_][A-Za-z0-9_.:+-]*`.
    public static func isValidAliasName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, wordStart.contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { aliasCharacters.contains($0) }
    }

    /// Environment variable names: `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isValidVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, wordStart.contains(first), !("0"..."9").contains(first)
        else { return false }
        return name.unicodeScalars.allSatisfy { wordStart.contains($0) }
    }

    private static let wordStart = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_".unicodeScalars)
    private static let aliasCharacters = wordStart.union(".:+-".unicodeScalars)

    /// Why the entry cannot be written, or nil when it can.
    static func problem(alias name: String, value: String) -> String? {
        if !isValidAliasName(name) {
            return "alias name '\(name)' is not a plain word: use letters, digits and _ . : + - (not first)"
        }
        if value.unicodeScalars.contains("\0") { return "alias \(name): a shell value cannot hold a NUL character" }
        return nil
    }

    /// Variables a supported shell keeps read-only or gives a meaning of its own, never written: the names
    /// `SpecialShellVariables` gives a reason for (bar the `BASH_FUNC_` prefix, which no set can hold).
    public static var reservedVariableNames: Set<String> { SpecialShellVariables.names }

    /// Names fish will not take for a function, hence for an alias; they are left out of `profile.fish` only.
    public static let fishReservedAliasNames: Set<String> = [
        "_", "and", "argparse", "begin", "break", "builtin", "case", "command", "continue", "else", "end", "eval",
        "exec", "for", "function", "if", "not", "or", "read", "return", "set", "status", "string", "switch", "test",
        "time", "while",
    ]

    static func problem(variable name: String, value: String) -> String? {
        if !isValidVariableName(name) {
            return "variable name '\(name)' is not a shell name: use letters, digits and _, not starting with a digit"
        }
        if name == "PATH" { return "variable PATH is not written: put directories on PATH with path resources" }
        // One sentence for validate, plan, apply and the profile's own problems, whichever meets the name first.
        if let reason = SpecialShellVariables.reason(name) { return "env name '\(name)' is \(reason); choose another name" }
        if value.unicodeScalars.contains("\0") { return "variable \(name): a shell value cannot hold a NUL character" }
        return nil
    }

    static func problem(path directory: String) -> String? {
        // By scalars: `:` followed by a combining mark is one Character that `contains(":")` would not find.
        let scalars = directory.unicodeScalars
        if scalars.first != "/" { return "PATH entry '\(directory)' is not an absolute path" }
        if scalars.contains(":") { return "PATH entry '\(directory)' contains ':', which separates PATH entries" }
        if scalars.contains("\0") { return "PATH entry cannot hold a NUL character" }
        return nil
    }

    /// One line per entry the renderers skip, saying why; empty when every entry is written.
    public var problems: [String] {
        var result: [String] = []
        for name in environment.keys.sorted() {
            if let problem = Self.problem(variable: name, value: environment[name]!) { result.append(problem) }
        }
        var seen = Set<String>()
        for entry in pathEntries {
            if let problem = Self.problem(path: entry.directory) {
                result.append(problem)
            } else if !seen.insert(PathNormalizer.standardize(entry.directory)).inserted {
                result.append("PATH entry '\(entry.directory)' is listed twice; the first one is written")
            }
        }
        for name in aliases.keys.sorted() {
            if let problem = Self.problem(alias: name, value: aliases[name]!) {
                result.append(problem)
            } else if Self.fishReservedAliasNames.contains(name) {
                result.append("alias \(name) is a reserved word in fish, so it is left out of profile.fish")
            }
        }
        return result
    }

    /// The entries the renderers write, in the order they write them: variables and aliases by name, PATH
    /// entries in order, each directory once.
    private var writable: (environment: [(String, String)], path: [PathEntry], aliases: [(String, String)]) {
        let variables = environment.keys.sorted().compactMap { name -> (String, String)? in
            let value = environment[name]!
            return Self.problem(variable: name, value: value) == nil ? (name, value) : nil
        }
        var seen = Set<String>()
        let path = pathEntries.compactMap { entry -> PathEntry? in
            guard Self.problem(path: entry.directory) == nil else { return nil }
            let directory = PathNormalizer.standardize(entry.directory)
            guard seen.insert(directory).inserted else { return nil }
            return PathEntry(directory: directory, position: entry.position)
        }
        let aliases = self.aliases.keys.sorted().compactMap { name -> (String, String)? in
            let value = self.aliases[name]!
            return Self.problem(alias: name, value: value) == nil ? (name, value) : nil
        }
        return (variables, path, aliases)
    }

    // MARK: Rendering

    static let generatedNotice = "# Generated by tend from your tend.yaml. Do not edit: tend overwrites this file."

    /// `profile.sh`: POSIX sh that bash, zsh, dash and sh source. Variables first (so that a PATH entry is
    /// never undone by them), then PATH entries, then aliases; every value single-quoted.
    public func renderPOSIX() -> String {
        let entries = writable
        var lines = [
            Self.generatedNotice,
            "# Source it from ~/.profile, ~/.bashrc or ~/.zshrc:",
            "#   . \"${XDG_CONFIG_HOME:-$HOME/.config}/tend/profile.sh\"",
            "",
            "# Adds a directory to PATH unless it is already there, so sourcing this file twice changes nothing.",
            "__tend_path() {",
            "    case \":${PATH-}:\" in",
            "        *\":$2:\"*) ;;",
            "        *) if [ \"$1\" = append ]; then PATH=\"${PATH:+$PATH:}$2\"; else PATH=\"$2${PATH:+:$PATH}\"; fi ;;",
            "    esac",
            "}",
            "",
        ]
        for (name, value) in entries.environment {
            lines.append("export \(name)=\(Self.posixQuoted(value))")
        }
        for entry in entries.path {
            lines.append("__tend_path \(entry.position.rawValue) \(Self.posixQuoted(entry.directory))")
        }
        for (name, value) in entries.aliases {
            lines.append("alias \(name)=\(Self.posixQuoted(value))")
        }
        lines += ["", "unset -f __tend_path", "export PATH"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `profile.fish`: the same entries for fish, whose single quotes treat only `\'` and `\\` as escapes.
    public func renderFish() -> String {
        let entries = writable
        var lines = [
            Self.generatedNotice,
            "# Source it from ~/.config/fish/config.fish:",
            "#   source \"${XDG_CONFIG_HOME:-$HOME/.config}/tend/profile.fish\"",
            "",
        ]
        for (name, value) in entries.environment {
            lines.append("set -gx \(name) \(Self.fishQuoted(value))")
        }
        for entry in entries.path {
            let directory = Self.fishQuoted(entry.directory)
            lines.append("if not contains -- \(directory) $PATH")
            switch entry.position {
            case .prepend: lines.append("    set -gx PATH \(directory) $PATH")
            case .append: lines.append("    set -gx PATH $PATH \(directory)")
            }
            lines.append("end")
        }
        for (name, value) in entries.aliases where !Self.fishReservedAliasNames.contains(name) {
            lines += Self.fishFunction(name: name, value: value)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// fish's own `alias` pastes the value into function text that it evaluates at once, so a value such as
    /// `x; end; rm -rf ~; function y` runs while the profile loads. tend writes the function itself instead:
    /// the value stays one quoted word until the alias is used, then `eval` runs it with the arguments, each
    /// escaped, as a POSIX shell expands an alias. A value that starts with the alias's own name calls the
    /// command or builtin of that name, not the function again.
    static func fishFunction(name: String, value: String) -> [String] {
        let words = value.unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map { String($0) }
        var command = value
        var wraps = ""
        if words.first == name {
            command = (fishBuiltins.contains(name) ? "builtin " : "command ") + value
        } else if let first = words.first, words.last != name, !first.isEmpty {
            wraps = " --wraps \(fishQuoted(value))"
        }
        return [
            "function \(name)\(wraps) --description \(fishQuoted("alias \(name)=\(value)"))",
            "    eval \(fishQuoted(command)) (string escape -- $argv)",
            "end",
        ]
    }

    /// fish's builtins (`builtin --names`, fish 3.6), which `command NAME` cannot reach.
    static let fishBuiltins: Set<String> = [
        ".", ":", "[", "_", "abbr", "and", "argparse", "begin", "bg", "bind", "block", "break", "breakpoint", "builtin",
        "case", "cd", "command", "commandline", "complete", "contains", "continue", "count", "disown", "echo", "else",
        "emit", "end", "eval", "exec", "exit", "false", "fg", "for", "function", "functions", "history", "if", "jobs",
        "math", "not", "or", "path", "printf", "pwd", "random", "read", "realpath", "return", "set", "set_color",
        "source", "status", "string", "switch", "test", "time", "true", "type", "ulimit", "wait", "while",
    ]

    /// One POSIX shell word that the shell reads literally: single-quoted, with `'` written as `'\''`.
    ///
    /// Escapes by Unicode scalar, not by Character: a `'` followed by a combining mark is one Character, which
    /// Character-based replacing (`ShellQuoting.singleQuoted` today) misses, leaving the quote open.
    static func posixQuoted(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.append("'")
        for scalar in text.unicodeScalars {
            if scalar == "'" { out.append(contentsOf: "'\\''".unicodeScalars) } else { out.append(scalar) }
        }
        out.append("'")
        return String(out)
    }

    /// One fish word that fish reads literally: single-quoted, with `\` and `'` escaped by a backslash.
    static func fishQuoted(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        out.append("'")
        for scalar in text.unicodeScalars {
            if scalar == "'" || scalar == "\\" { out.append("\\") }
            out.append(scalar)
        }
        out.append("'")
        return String(out)
    }

    // MARK: Parsing

    /// The entries of a `profile.sh` as `renderPOSIX` writes them. Lines it does not understand are skipped,
    /// one line at a time, so that a hand edit loses only what it touched.
    public static func parse(_ text: String) -> ShellProfile {
        let scalars = Array(text.unicodeScalars)
        var profile = ShellProfile()
        var index = 0
        while index < scalars.count {
            if startsStatement(scalars, at: index), let (words, end) = Self.words(scalars, from: index),
               profile.take(words) {
                index = end
                continue
            }
            while index < scalars.count && scalars[index] != "\n" { index += 1 }
            index += 1
        }
        return profile
    }

    private static let keywords: [[Unicode.Scalar]] = ["alias ", "export ", "__tend_path "].map { Array($0.unicodeScalars) }

    private static func startsStatement(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        keywords.contains { keyword in
            index + keyword.count <= scalars.count && Array(scalars[index..<(index + keyword.count)]) == keyword
        }
    }

    /// Adds the entry a statement declares; false when the statement is not one tend writes.
    private mutating func take(_ words: [String]) -> Bool {
        switch words.first {
        case "alias", "export":
            // By scalars: a value may start with a combining mark, which would join `=` as one Character.
            guard words.count == 2 else { return false }
            let word = words[1].unicodeScalars
            guard let equals = word.firstIndex(of: "=") else { return false }
            let name = String(word[..<equals])
            let value = String(word[word.index(after: equals)...])
            if words[0] == "alias" {
                guard Self.isValidAliasName(name) else { return false }
                aliases[name] = value
            } else {
                guard Self.isValidVariableName(name) else { return false }
                environment[name] = value
            }
            return true
        case "__tend_path":
            guard words.count == 3, let position = Position(rawValue: words[1]),
                  Self.problem(path: words[2]) == nil else { return false }
            if pathEntry(for: words[2]) == nil {
                pathEntries.append(PathEntry(directory: PathNormalizer.standardize(words[2]), position: position))
            }
            return true
        default:
            return false
        }
    }

    /// The words of one simple command starting at `start`, and where the next statement starts; nil when the
    /// text uses anything beyond plain words, single quotes and backslash escapes (tend writes nothing else).
    private static func words(_ s: [Unicode.Scalar], from start: Int) -> ([String], Int)? {
        var words: [String] = []
        var word: String.UnicodeScalarView?
        var i = start
        func finish() {
            if let current = word { words.append(String(current)) }
            word = nil
        }
        while i < s.count {
            let c = s[i]
            switch c {
            case "\n":
                finish()
                return (words, i + 1)
            case " ", "\t":
                finish()
                i += 1
            case "#" where word == nil:
                while i < s.count && s[i] != "\n" { i += 1 }
            case "'":
                var current = word ?? String.UnicodeScalarView()
                i += 1
                while i < s.count && s[i] != "'" {
                    current.append(s[i])
                    i += 1
                }
                guard i < s.count else { return nil }
                word = current
                i += 1
            case "\\":
                guard i + 1 < s.count else { return nil }
                if s[i + 1] != "\n" {
                    var current = word ?? String.UnicodeScalarView()
                    current.append(s[i + 1])
                    word = current
                }
                i += 2
            case "\"", "$", "`", ";", "&", "|", "(", ")", "<", ">", "*", "?", "[", "{", "}", "~":
                return nil
            default:
                var current = word ?? String.UnicodeScalarView()
                current.append(c)
                word = current
                i += 1
            }
        }
        finish()
        return (words, i)
    }
}
