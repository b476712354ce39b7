/// The plan as Markdown for a pull request or a ticket: a table of changes, then each diff in a fold.
public struct PlanMarkdownRenderer: Sendable {
    public init() {}

    public func render(_ plan: Plan) -> String {
        var out = "### tend plan\n\n"
        guard !plan.isEmpty else {
            return out + TerminalText.escape(plan.summaryLine) + "\n"
        }
        out += "| | Resource | Change | Why |\n|---|---|---|---|\n"
        for change in plan.changes {
            out += "| \(change.operation.rawValue) | `\(cell(change.address.description))` | \(cell(change.message))"
                + details(change) + " | \(cell(change.reason)) |\n"
        }
        out += "\n" + TerminalText.escape(plan.summaryLine) + "\n"
        for change in plan.changes {
            guard let diff = change.diff else { continue }
            out += "\n<details><summary><code>\(html(change.address.description))</code></summary>\n\n```diff\n"
                + TerminalText.escapeLines(diff).replacingOccurrences(of: "```", with: "`\u{200B}``") + "```\n\n</details>\n"
        }
        return out
    }

    private func details(_ change: ResourceChange) -> String {
        let renderer = PlanTextRenderer(color: false, home: "")
        let lines = change.parameters
            .filter { !(change.diff != nil && ($0.after?.text.contains("\n") ?? false || $0.before?.text.contains("\n") ?? false)) }
            .map { "<br>`" + cell(renderer.renderParameter($0)) + "`" }
        return lines.joined()
    }

    /// One table cell: no pipe that ends it early, no line break, no control character.
    private func cell(_ text: String) -> String {
        TerminalText.escape(text.replacingOccurrences(of: "\n", with: " ")).replacingOccurrences(of: "|", with: "\\|")
    }

    private func html(_ text: String) -> String {
        TerminalText.escape(text).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
