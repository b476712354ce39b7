import Foundation
import Testing
import TendCore
import TendTestSupport

/// `tend report --format html` of a real run, opened in a real headless chromium: it loads without a console
/// message (no script error, no blocked fetch), draws one timeline bar per change, and shows markup from a
/// resource id and a command's output as text.
@Suite(.serialized) struct ReportHTMLEndToEndTests {
    static let config = """
        tend: 1
        resources:
          - type: script
            id: "<script>document.documentElement.dataset.pwned='id'</script>"
            check: test -f "$HOME/made-a"
            create: echo '</pre><img src=x onerror="document.documentElement.dataset.pwned=1">'; touch "$HOME/made-a"
          - type: script
            id: plain
            check: test -f "$HOME/made-b"
            create: touch "$HOME/made-b"
          - type: script
            id: failing
            check: "false"
            create: echo 'no luck <b>here</b>' >&2; exit 3
        """

    @Test func theReportOfARunOpensInChromiumWithOneBarPerChangeAndEveryValueEscaped() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", Self.config)
        let tend = TendBinary(home: home)
        let apply = try await tend.run(["apply", "--yes", "--jobs", "2"])
        #expect(apply.status == 1, "one script fails on purpose: \(apply.stdout)\(apply.stderr)")

        let json = try await tend.run(["report", "--format", "json"])
        try #require(json.status == 0, "\(json.stderr)")
        let operations = try #require(try JSON.parse(json.stdout)["operations"]?.arrayValue)
        #expect(operations.count == 3)

        let html = try await tend.run(["report", "--format", "html"])
        try #require(html.status == 0, "\(html.stderr)")
        let page = try home.write("run.html", html.stdout)
        // Nothing the page names is fetched: no attribute points anywhere, and the policy forbids it anyway.
        // (Markup quoted from the run is escaped, so an attribute of the page's own is the only way to `src="`.)
        #expect(!html.stdout.contains("src=\""), "the page loads nothing")
        #expect(!html.stdout.contains("href=\"http"), "the page links nowhere outside itself")
        #expect(html.stdout.contains("default-src 'none'"))

        let chromium = try #require(HeadlessChromium.executable,
                                    "chromium is not installed; this test opens the page in it (CI installs it in .ci/run)")
        let loaded = try await HeadlessChromium.load(page, executable: chromium, home: home)
        #expect(loaded.console.isEmpty, "console messages: \(loaded.console)")
        #expect(loaded.dom.contains("data-ready=\"true\""), "the page's script did not run to its end: \(loaded.dom.prefix(2000))")
        #expect(loaded.dom.components(separatedBy: "class=\"bar ").count - 1 == operations.count,
                "one bar per change: \(loaded.dom)")
        #expect(!loaded.dom.contains("data-pwned"), "markup from the run ran in the page")
        #expect(loaded.dom.contains("&lt;script&gt;document.documentElement.dataset.pwned"))
        #expect(loaded.dom.contains("no luck &lt;b&gt;here&lt;/b&gt;"), "the failing change's error output is shown")
        #expect(loaded.dom.contains("exit 3"))
    }
}
