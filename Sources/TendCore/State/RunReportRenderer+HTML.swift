import Foundation

/// `tend report --format html`: one self-contained page of a run that opens from a file, mails as an attachment
/// and archives as a CI artifact. Its only style and script are inline, and its Content-Security-Policy forbids
/// every fetch, so opening it never reaches the network. Every value from the run (addresses, argv, output,
/// errors, the config's path) is escaped into text: a `<script>` in a resource id is shown, never run.
extension RunReportRenderer {
    public func reportHTML(_ run: RunRecord, _ reports: [OperationReport]) -> String {
        let spans = reports.map { report in (start: report.finishedAt.addingTimeInterval(-max(0, report.duration)),
                                             end: report.finishedAt) }
        let origin = ([run.startedAt] + spans.map(\.start)).min()!
        let finish = ([run.endedAt ?? origin] + spans.map(\.end)).max()!
        let total = max(finish.timeIntervalSince(origin), 0.001)
        let overlaps = spans.indices.map { index in
            spans.indices.filter { other in
                other != index && spans[other].start < spans[index].end && spans[index].start < spans[other].end
            }
        }
        // Intervals that overlap pairwise share a moment, so the most at once is the most covering any start.
        let widest = spans.map { span in spans.filter { $0.start <= span.start && span.start < $0.end }.count }.max() ?? 0

        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>tend run \(run.id): \(run.kind.rawValue) \(run.status.rawValue)</title>
            <style>\(Self.htmlStyle)</style>
            </head>
            <body>
            <h1>tend run \(run.id): \(run.kind.rawValue) <span class="status-\(run.status.rawValue)">\(run.status.rawValue)</span></h1>
            <p class="meta">Started \(Self.time(run.startedAt)), took \(Self.duration(run)), on \(Self.html(run.hostname)) \
            (pid \(run.pid)). Config <code>\(Self.html(run.configPath))</code> <code>\(Self.html(run.configDigest))</code>.</p>

            """
        guard !reports.isEmpty else {
            return page + "<p id=\"empty\">No changes were recorded.</p>\n" + Self.htmlScript + "</body>\n</html>\n"
        }
        let counts = Dictionary(grouping: reports, by: \.status).mapValues(\.count)
        let summary = [OperationReport.Status.succeeded, .failed, .skipped, .interrupted].compactMap { status in counts[status].map { "\($0) \(status.rawValue)" } }
        page += "<p class=\"meta\">\(reports.count) change\(reports.count == 1 ? "" : "s"): "
            + summary.joined(separator: ", ") + "; at most \(widest) at once.</p>\n"

        page += "<h2>Plan</h2>\n<table id=\"plan\">\n<thead><tr><th>#</th><th>Resource</th><th>Operation</th><th>Status</th>"
            + "<th>Attempts</th><th>Time</th></tr></thead>\n<tbody>\n"
        for (index, report) in reports.enumerated() {
            page += "<tr class=\"status-\(report.status.rawValue)\"><td>\(index + 1)</td>"
                + "<td><a href=\"#change-\(index + 1)\"><code>\(Self.html(report.address.description))</code></a></td>"
                + "<td>\(report.operation.rawValue)</td><td>\(report.status.rawValue)</td><td>\(report.attempts)</td>"
                + "<td>\(Self.seconds(report.duration))</td></tr>\n"
        }
        page += "</tbody>\n</table>\n"

        page += "<h2>Timeline</h2>\n<p class=\"meta\">One bar per change, from its start to its end; bars that overlap "
            + "ran at the same time.</p>\n<div id=\"timeline\">\n"
        for (index, report) in reports.enumerated() {
            let left = spans[index].start.timeIntervalSince(origin) / total * 100
            let width = max(report.duration / total * 100, 0.4)
            let alongside = overlaps[index].map { reports[$0].address.description }
            let title = "\(report.address.description): \(Self.seconds(report.duration))"
                + (alongside.isEmpty ? "" : ", alongside " + alongside.joined(separator: ", "))
            page += "<div class=\"lane\"><span class=\"label\">\(Self.html(report.address.description))</span>"
                + "<div class=\"track\"><a class=\"bar status-\(report.status.rawValue)\" href=\"#change-\(index + 1)\" "
                + "data-change=\"\(index + 1)\" data-parallel=\"\(alongside.count)\" title=\"\(Self.html(title))\" "
                + "style=\"left:\(Self.percent(min(left, 100 - width)))%;width:\(Self.percent(width))%\"></a></div></div>\n"
        }
        page += "<div class=\"axis\"><span>0s</span><span>\(Self.seconds(total))</span></div>\n</div>\n"

        page += "<h2>Changes</h2>\n"
        for (index, report) in reports.enumerated() {
            page += "<section class=\"change status-\(report.status.rawValue)\" id=\"change-\(index + 1)\">\n"
                + "<h3>\(index + 1). <code>\(Self.html(report.address.description))</code>: \(report.operation.rawValue), "
                + "\(report.status.rawValue)</h3>\n"
                + "<p class=\"meta\">\(Self.seconds(report.duration)), \(report.attempts) attempt\(report.attempts == 1 ? "" : "s"), "
                + "finished \(Self.time(report.finishedAt))</p>\n"
            for command in report.commands {
                page += "<pre class=\"command\">$ \(Self.html(command.arguments.map(ShellQuoting.quote).joined(separator: " ")))"
                    + "  \u{2192} exit \(command.status) (\(Self.seconds(command.duration)))</pre>\n"
                if !command.outputTail.isEmpty {
                    page += "<pre class=\"output\">\(Self.html(command.outputTail, lines: true))</pre>\n"
                }
            }
            if !report.outputs.isEmpty {
                page += "<dl class=\"outputs\">"
                for key in report.outputs.keys.sorted() {
                    page += "<dt>\(Self.html(key))</dt><dd><code>\(Self.html(report.outputs[key]!.text))</code></dd>"
                }
                page += "</dl>\n"
            }
            if let error = report.error {
                page += "<pre class=\"error\">\(Self.html(error, lines: true))</pre>\n"
            }
            page += "</section>\n"
        }
        return page + Self.htmlScript + "</body>\n</html>\n"
    }

    /// Text as HTML character data or an attribute value: markup characters as entities, control characters
    /// as visible escapes (a NUL or an escape sequence in a command's output is shown, not passed on).
    static func html(_ text: String, lines: Bool = false) -> String {
        var out = ""
        for character in lines ? TerminalText.escapeLines(text) : TerminalText.escape(text) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func seconds(_ value: Double) -> String { String(format: "%.2fs", value) }

    static func percent(_ value: Double) -> String { String(format: "%.3f", max(0, value)) }

    static let htmlStyle = """
        body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#1d1d1f}
        code,pre{font-family:ui-monospace,monospace;font-size:13px}
        pre{background:#f4f4f6;padding:.5em .8em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
        pre.error{background:#fdecec;color:#8a1111}
        .meta{color:#555}
        table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.25em .8em;text-align:left}
        .status-succeeded{color:#176b2c}.status-failed{color:#a11}.status-skipped,.status-interrupted{color:#8a6100}
        #timeline{border:1px solid #ddd;padding:.5em}
        .lane{display:flex;align-items:center;height:1.6em}
        .label{flex:0 0 22em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-family:ui-monospace,monospace;font-size:12px}
        .track{position:relative;flex:1;height:1em;background:#f4f4f6}
        .bar{position:absolute;top:0;bottom:0;min-width:2px;background:#2f6fdb}
        .bar.status-failed{background:#c62828}.bar.status-skipped,.bar.status-interrupted{background:#c99a00}
        .axis{display:flex;justify-content:space-between;margin-left:22em;color:#555;font-size:12px}
        .change{border-top:1px solid #ddd;margin-top:1em}
        .change.highlight{background:#fff8d6}
        """

    /// Highlights the change whose bar was chosen; marks the page ready last, so a test can tell it ran whole.
    static let htmlScript = """
        <script>
        (function () {
          "use strict";
          document.querySelectorAll("#timeline .bar").forEach(function (bar) {
            bar.addEventListener("click", function () {
              document.querySelectorAll(".change.highlight").forEach(function (old) { old.classList.remove("highlight"); });
              var change = document.getElementById("change-" + bar.dataset.change);
              if (change) { change.classList.add("highlight"); }
            });
          });
          document.documentElement.dataset.ready = "true";
        })();
        </script>

        """
}
