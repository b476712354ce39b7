import Testing
@testable import TendCore

@Suite struct TerminalTextTests {
    @Test func controlCharactersBecomeVisibleEscapes() {
        #expect(TerminalText.escape("a\u{1B}[2Jb\rc\nd\u{07}e\u{7F}f\u{85}g\tz") == "a\\e[2Jb\\rc\\nd\\x07e\\x7ff\\u0085g\\tz")
        #expect(TerminalText.escape("plain ~/text, ünïcode") == "plain ~/text, ünïcode")
    }

    @Test func linesKeepTheirBreaksAndTabs() {
        #expect(TerminalText.escapeLines("one\n\ttwo\r\n\u{1B}]0;title\u{07}") == "one\n\ttwo\\r\n\\e]0;title\\x07")
    }
}
