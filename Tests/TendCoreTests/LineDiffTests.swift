import Testing
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
}

/// A deterministic random number generator (SplitMix64) for repeatable randomized tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
