import Testing
@testable import TendCore

/// diff(1)'s "\ No newline at end of file" follows the line of the side that lacks the newline.
@Suite struct LineDiffNewlineTests {
    @Test func theOldSideLacksTheNewline() {
        let diff = LineDiff.unified(before: "a\nb", after: "a\nb\n", beforeLabel: "x", afterLabel: "y")
        #expect(diff == "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")
    }

    @Test func theNewSideLacksTheNewline() {
        let diff = LineDiff.unified(before: "a\nb\n", after: "a\nc", beforeLabel: "x", afterLabel: "y")
        #expect(diff == "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n")
    }

    @Test func bothSidesLackItOnAnUnchangedLastLine() {
        let diff = LineDiff.unified(before: "a\nz", after: "b\nz", beforeLabel: "x", afterLabel: "y")
        #expect(diff == "--- x\n+++ y\n@@ -1,2 +1,2 @@\n-a\n+b\n z\n\\ No newline at end of file\n")
    }

    @Test func bothSidesHaveItSoNoMarker() {
        let diff = LineDiff.unified(before: "a\n", after: "b\n", beforeLabel: "x", afterLabel: "y")
        #expect(!diff.contains("No newline"))
        #expect(diff.hasSuffix("-a\n+b\n"))
    }
}
