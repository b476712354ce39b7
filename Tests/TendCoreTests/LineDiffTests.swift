import Foundation
import Testing
import TendTestSupport
@testable import TendCore

@Suite struct LineDiffTests {
    @Test func equalTextsHaveNoDiff() {
        #expect(LineDiff.unified(before: "a\nb\n", after: "a\nb\n", beforeLabel: "x", afterLabel: "y").isEmpty)
    }

    @Test func oneChangedLineWithContext() {
        let before = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let after = before.replacingOccurrences(of: "line 5\n", with: "line five\n")
        let diff = LineDiff.unified(before: before, after: after, beforeLabel: "a (current)", afterLabel: "a (tend.yaml)")
        #expect(diff == """
            --- a (current)
            +++ a (tend.yaml)
            @@ -2,7 +2,7 @@
             line 2
             line 3
             line 4
            -line 5
            +line five
             line 6
             line 7
             line 8

            """)
        #expect(LineDiff.changedLineCount(before: before, after: after) == 2)
    }

    @Test func creationFromEmpty() {
        let diff = LineDiff.unified(before: "", after: "a\nb\n", beforeLabel: "x", afterLabel: "y")
        #expect(diff == "--- x\n+++ y\n@@ -0,0 +1,2 @@\n+a\n+b\n")
    }

    @Test func distantChangesMakeSeparateHunks() {
        let before = (1...30).map(String.init).joined(separator: "\n") + "\n"
        let after = before.replacingOccurrences(of: "\n2\n", with: "\ntwo\n").replacingOccurrences(of: "\n28\n", with: "\n")
        let diff = LineDiff.unified(before: before, after: after, beforeLabel: "x", afterLabel: "y")
        #expect(diff.components(separatedBy: "@@ -").count - 1 == 2)
        #expect(diff.contains("-2\n+two\n"))
        #expect(diff.contains("-28\n"))
    }

    @Test func randomEditsReconstruct() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let a = (0..<Int.random(in: 0...12, using: &generator)).map { _ in String(Int.random(in: 0...4, using: &generator)) }
            let b = (0..<Int.random(in: 0...12, using: &generator)).map { _ in String(Int.random(in: 0...4, using: &generator)) }
            let edits = LineDiff.diff(a, b)
            var rebuiltA: [String] = [], rebuiltB: [String] = []
            for edit in edits {
                switch edit {
                case .same(let l): rebuiltA.append(l); rebuiltB.append(l)
                case .removed(let l): rebuiltA.append(l)
                case .added(let l): rebuiltB.append(l)
                }
            }
            #expect(rebuiltA == a)
            #expect(rebuiltB == b)
        }
    }

    /// The linear-space search finds a shortest edit script: as many changed lines as the longest common
    /// subsequence (computed here by the textbook table) leaves.
    @Test func editsAreMinimal() {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<300 {
            let a = (0..<Int.random(in: 0...25, using: &generator)).map { _ in String(Int.random(in: 0...3, using: &generator)) }
            let b = (0..<Int.random(in: 0...25, using: &generator)).map { _ in String(Int.random(in: 0...3, using: &generator)) }
            var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                for j in stride(from: b.count - 1, through: 0, by: -1) {
                    table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
                }
            }
            let changed = LineDiff.diff(a, b).filter { if case .same = $0 { return false } else { return true } }.count
            #expect(changed == a.count + b.count - 2 * table[0][0], "\(a) -> \(b)")
        }
    }

    @Test func tooManyChangedLinesGiveASummary() {
        let before = (0..<6_000).map { "old \($0)" }.joined(separator: "\n") + "\n"
        let after = (0..<6_000).map { "new \($0)" }.joined(separator: "\n") + "\n"
        #expect(LineDiff.diff(LineDiff.lines(before), LineDiff.lines(after), limit: LineDiff.maximumChangedLines) == nil)
        #expect(LineDiff.changedLineCount(before: before, after: after) == nil)
        let diff = LineDiff.unified(before: before, after: after, beforeLabel: "x", afterLabel: "y")
        #expect(diff == "--- x\n+++ y\ncontent differs, \(before.utf8.count) bytes -> \(after.utf8.count) bytes\n")
    }

    /// Many equal lines make every diagonal a long run to follow: past its budget of comparisons the search
    /// gives up (the plan then shows the summary) instead of taking minutes.
    @Test func theSearchStopsAtItsComparisonBudget() throws {
        let a = Array(repeating: "same", count: 30_000)
        var b = a
        for index in stride(from: b.count - 150, to: 0, by: -150) { b.insert("other", at: index) }
        let inserted = b.count - a.count
        #expect(LineDiff.diff(a, b, limit: LineDiff.maximumChangedLines, budget: 10_000) == nil)
        let edits = try #require(LineDiff.diff(a, b, limit: LineDiff.maximumChangedLines))
        #expect(edits.filter { $0 == .added("other") }.count == inserted)
        #expect(edits.count == a.count + inserted)
    }

    @Test func aFewChangesInALargeTextAreFound() {
        let before = (0..<50_000).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let after = before.replacingOccurrences(of: "\nline 25000\n", with: "\nline twenty-five thousand\n")
        #expect(LineDiff.changedLineCount(before: before, after: after) == 2)
        #expect(LineDiff.unified(before: before, after: after, beforeLabel: "x", afterLabel: "y")
                    .contains("@@ -24998,7 +24998,7 @@\n line 24997\n line 24998\n line 24999\n-line 25000\n+line twenty-five thousand\n"))
    }
}
