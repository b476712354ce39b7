import Foundation
import Testing
@testable import TendCore

/// The HTML report's timeline and escaping, from runs built by hand so that the times are known exactly.
struct RunReportHTMLTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func run(status: RunRecord.Status = .succeeded, seconds: Double = 10) -> RunRecord {
        RunRecord(id: 7, kind: .apply, status: status, startedAt: start, endedAt: start.addingTimeInterval(seconds),
                  configPath: "/home/me/tend.yaml", configDigest: "sha256:abc", pid: 42, hostname: "box")
    }

    /// A change that ran from `from` to `to` seconds after the run started.
    static func report(_ key: String, from: Double, to: Double, status: OperationReport.Status = .succeeded,
                       commands: [CommandRecord] = [], error: String? = nil) -> OperationReport {
        OperationReport(runID: 7, address: Address(type: "script", key: key), operation: .create, status: status,
                        attempts: 1, duration: to - from, commands: commands, error: error,
                        finishedAt: start.addingTimeInterval(to))
    }

    /// The `data-parallel` and `style` of each bar, in order.
    static func bars(_ html: String) -> [(parallel: String, style: String)] {
        html.components(separatedBy: "<a class=\"bar ").dropFirst().map { tail in
            func attribute(_ name: String) -> String {
                let after = tail.components(separatedBy: name + "=\"")[1]
                return String(after.prefix { $0 != "\"" })
            }
            return (attribute("data-parallel"), attribute("style"))
        }
    }

    @Test func barsSitWhereEachChangeRanAndOverlapsCountAsParallel() {
        let reports = [Self.report("a", from: 0, to: 2), Self.report("b", from: 1, to: 3),
                       Self.report("c", from: 5, to: 10, status: .failed)]
        let html = RunReportRenderer().reportHTML(Self.run(), reports)
        let bars = Self.bars(html)
        #expect(bars.count == 3)
        #expect(bars.map(\.parallel) == ["1", "1", "0"])
        #expect(bars.map(\.style) == ["left:0.000%;width:20.000%", "left:10.000%;width:20.000%",
                                      "left:50.000%;width:50.000%"])
        #expect(html.contains("at most 2 at once"))
        #expect(html.contains("3 changes: 2 succeeded, 1 failed"))
        #expect(html.contains("<a class=\"bar status-failed\""))
    }

    @Test func threeChangesOfWhichOnlyPairsOverlapAreNotThreeAtOnce() {
        // a overlaps b and c, but b ended before c began: never three at a time.
        let reports = [Self.report("a", from: 0, to: 10), Self.report("b", from: 1, to: 2), Self.report("c", from: 3, to: 4)]
        let html = RunReportRenderer().reportHTML(Self.run(), reports)
        #expect(html.contains("at most 2 at once"))
        #expect(Self.bars(html).map(\.parallel) == ["2", "1", "1"])
    }

    @Test func markupInAddressesOutputAndErrorsIsText() {
        let hostile = "<script>alert(1)</script>"
        let reports = [Self.report(hostile, from: 0, to: 1, status: .failed,
                                   commands: [CommandRecord(arguments: ["sh", "-c", "echo \"\(hostile)\""], status: 1,
                                                            duration: 1, outputTail: "</pre>\(hostile)\u{1B}[31m")],
                                   error: "failed: \(hostile) & 'quoted'")]
        let html = RunReportRenderer().reportHTML(Self.run(status: .failed), reports)
        // The page's own script is the only one.
        #expect(html.components(separatedBy: "<script>").count == 2, "\(html)")
        #expect(!html.contains("</pre><script"))
        #expect(html.contains("script:&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("failed: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;quoted&#39;"))
        // An escape sequence in output is shown as text, not passed to the page.
        #expect(!html.contains("\u{1B}"))
    }

    @Test func aRunWithoutChangesSaysSoAndHasNoTimeline() {
        let html = RunReportRenderer().reportHTML(Self.run(), [])
        #expect(html.contains("No changes were recorded."))
        #expect(!html.contains("id=\"timeline\""))
        #expect(html.hasSuffix("</html>\n"))
    }
}
