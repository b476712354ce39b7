/// The plan as people read it in a terminal: one block per change, like Terraform's, then a summary line.
public struct PlanTextRenderer: Sendable {
    public var color: Bool
    public var home: String
    /// Only the resources chosen with --target or --tag (and what they depend on) were planned.
    public var partial: Bool

    public init(color: Bool = false, home: String, partial: Bool = false) {
        self.color = color
        self.home = home
        self.partial = partial
    }

    /// Like Terraform's "-target is in effect": a partial plan must not pass for the whole config's.
    static let partialWarning = "Warning: --target or --tag is in effect: this plan covers only the selected resources "
        + "and what they depend on; the rest of the config may still differ from this machine."

    public func render(_ plan: Plan) -> String {
        let warning = partial ? paint(Self.partialWarning, "1;33") + "\n\n" : ""
        guard !plan.isEmpty else {
            let line = partial ? "No changes among the selected resources." : TerminalText.escape(plan.summaryLine)
            return warning + paint(line, "1;32") + "\n"
        }
        var out = warning + "tend will make these changes:\n\n"
        for change in plan.changes {
            out += render(change)
        }
        out += paint(TerminalText.escape(plan.summaryLine), "1") + "\n"
        return out
    }

    func render(_ change: ResourceChange) -> String {
        let code: String
        switch change.operation {
        case .create: code = "32"
        case .modify: code = "33"
        case .recreate: code = "35"
        case .destroy: code = "31"
        case .release: code = "36"
        }
        // Addresses, messages and values come from the config and the host: none may print a control character.
        var out = paint(change.operation.symbol, "1;" + code) + " " + paint(TerminalText.escape(change.address.description), "1")
            + "\n    " + TerminalText.escape(change.message) + paint(" (\(TerminalText.escape(change.reason)))", "2") + "\n"
        for parameter in change.parameters where !(change.diff != nil && isMultiline(parameter)) {
            out += "    " + renderParameter(parameter) + "\n"
        }
        if let diff = change.diff {
            for line in diff.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                let text = TerminalText.escapeLines(String(line))
                let lineCode = text.hasPrefix("+++") || text.hasPrefix("---") ? "1"
                    : text.hasPrefix("+") ? "32" : text.hasPrefix("-") ? "31" : text.hasPrefix("@@") ? "36" : ""
                out += "    " + (lineCode.isEmpty ? text : paint(text, lineCode)) + "\n"
            }
        }
        return out + "\n"
    }

    private func isMultiline(_ parameter: ParameterChange) -> Bool {
        (parameter.before?.text.contains("\n") ?? false) || (parameter.after?.text.contains("\n") ?? false)
    }

    func renderParameter(_ parameter: ParameterChange) -> String {
        let before = parameter.before.map { shown($0, parameter, isAfter: false) }
        let after = parameter.after.map { shown($0, parameter, isAfter: true) }
        let name = TerminalText.escape(parameter.name)
        switch parameter.operation {
        case .add: return paint("+", "32") + " \(name): \(after ?? "null")"
        case .remove: return paint("-", "31") + " \(name): \(before ?? "null")"
        case .modify, .noop:
            let note = parameter.modifiable ? "" : paint("  (forces replacement)", "35")
            return paint("~", "33") + " \(name): \(before ?? "null") → \(after ?? "null")" + note
        }
    }

    private func shown(_ value: Value, _ parameter: ParameterChange, isAfter: Bool) -> String {
        if parameter.sensitive { return "(sensitive)" }
        if isAfter && parameter.knownAfterApply { return "(known after apply)" }
        var text = value.description
        if case .string(let string) = value, !home.isEmpty, home != "/", string.hasPrefix(home + "/") {
            text = Value.string("~" + string.dropFirst(home.count)).description
        }
        if value.text.contains("\n") {
            let lines = value.text.split(separator: "\n", omittingEmptySubsequences: false).count
                - (value.text.hasSuffix("\n") ? 1 : 0)
            return "(\(lines) line\(lines == 1 ? "" : "s"))"
        }
        let shownText = text.count > 120 ? String(text.prefix(117)) + "...\"" : text
        return TerminalText.escape(shownText)
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
