import ArgumentParser

/// The man page of tend: its overview, then every command's help screen, walked from `Tend`'s command tree.
enum ManualPage {
    static func render() -> String {
        var out = ".TH TEND 1 \"\" \"tend \(Tend.version)\" \"User Commands\"\n"
        out += ".SH NAME\ntend \\- \(escape(Tend.configuration.abstract))\n"
        out += ".SH SYNOPSIS\n.B tend\n.I command\n[\\fIoptions\\fR]\n"
        out += ".SH DESCRIPTION\n" + preformatted(Tend.helpMessage(columns: 78))
        out += ".SH COMMANDS\n"
        for (path, command) in commands(Tend.self, path: ["tend"]) {
            out += ".SS \(escape(path.joined(separator: " ")))\n"
            out += preformatted(Tend.helpMessage(for: command, columns: 78))
        }
        out += ".SH SEE ALSO\ntend types, tend schema, and tend COMMAND --help.\n"
        return out
    }

    /// Every visible command below `command`, depth first, with the words that invoke it.
    private static func commands(_ command: ParsableCommand.Type, path: [String]) -> [([String], ParsableCommand.Type)] {
        var result: [([String], ParsableCommand.Type)] = []
        for sub in command.configuration.subcommands where sub.configuration.shouldDisplay {
            let subPath = path + [sub.configuration.commandName ?? ""]
            result.append((subPath, sub))
            result += commands(sub, path: subPath)
        }
        return result
    }

    /// Help text kept as laid out: no filling, and no line roff could read as a request.
    private static func preformatted(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }
        return ".nf\n" + lines.map { $0.hasPrefix(".") || $0.hasPrefix("'") ? "\\&" + $0 : $0 }.joined(separator: "\n") + "\n.fi\n"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\e")
    }
}
