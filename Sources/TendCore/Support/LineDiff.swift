/// A unified diff of two texts by lines, for file content in plans.
///
/// Memory stays linear in the size of the texts: lines are numbered once, then Myers' linear-space variant
/// (split at the middle of an optimal path, recurse on both halves) finds the edits. Texts larger than
/// `maximumBytes` together, or that differ in more than `maximumChangedLines` lines, get a one-line summary
/// instead, as git does for large files: such a diff is too long to read and too costly to compute.
public enum LineDiff {
    enum Edit: Equatable {
        case same(String), removed(String), added(String)
    }

    /// Above this many bytes (both texts together) no line diff is attempted.
    public static let maximumBytes = 16 << 20
    /// Above this many removed plus added lines the search stops and the summary is shown.
    public static let maximumChangedLines = 5_000
    /// Line comparisons the search may make before it gives up for the summary: texts of many equal lines
    /// (a log of repeated entries) make the search slow long before they make it large.
    static let comparisonBudget = 50_000_000

    /// The unified diff with `context` lines around changes; empty when the texts are equal. Too large or too
    /// different texts give the labels and "content differs, N bytes -> M bytes".
    public static func unified(before: String, after: String, beforeLabel: String, afterLabel: String,
                               context: Int = 3) -> String {
        guard before != after else { return "" }
        guard let edits = boundedDiff(before: before, after: after) else {
            return "--- \(beforeLabel)\n+++ \(afterLabel)\n" + summary(before: before, after: after) + "\n"
        }
        guard edits.contains(where: { if case .same = $0 { return false } else { return true } }) else { return "" }
        var out = "--- \(beforeLabel)\n+++ \(afterLabel)\n"
        // Group edits into hunks separated by more than 2*context unchanged lines.
        var index = 0
        var aLine = 0, bLine = 0
        var positions: [(a: Int, b: Int)] = []
        positions.reserveCapacity(edits.count)
        for edit in edits {
            positions.append((aLine, bLine))
            switch edit {
            case .same: aLine += 1; bLine += 1
            case .removed: aLine += 1
            case .added: bLine += 1
            }
        }
        let changed = edits.indices.filter { if case .same = edits[$0] { return false } else { return true } }
        var hunkStart = 0
        while index < changed.count {
            let first = changed[index]
            var last = first
            while index + 1 < changed.count && changed[index + 1] - last <= 2 * context + 1 {
                index += 1
                last = changed[index]
            }
            index += 1
            let start = max(first - context, hunkStart)
            let end = min(last + context, edits.count - 1)
            hunkStart = end + 1
            var aCount = 0, bCount = 0
            var body = ""
            for edit in edits[start...end] {
                switch edit {
                case .same(let line): body += shown(" ", line); aCount += 1; bCount += 1
                case .removed(let line): body += shown("-", line); aCount += 1
                case .added(let line): body += shown("+", line); bCount += 1
                }
            }
            let aStart = aCount == 0 ? positions[start].a : positions[start].a + 1
            let bStart = bCount == 0 ? positions[start].b : positions[start].b + 1
            out += "@@ -\(aStart),\(aCount) +\(bStart),\(bCount) @@\n" + body
        }
        return out
    }

    /// Ends the last line of a text that has no final newline, so that "a" and "a\n" differ as lines, and the
    /// diff can say which side lacks it. A NUL never ends a line of text a user would diff.
    static let missingNewline = "\u{0}"

    /// One diff line; the one that ends a text without a final newline is followed by diff(1)'s marker, on the
    /// side it belongs to.
    private static func shown(_ prefix: String, _ line: String) -> String {
        guard line.hasSuffix(missingNewline) else { return prefix + line + "\n" }
        return prefix + line.dropLast(missingNewline.count) + "\n\\ No newline at end of file\n"
    }

    /// How many lines differ: removed plus added; nil when the texts are too large or too different to count.
    public static func changedLineCount(before: String, after: String) -> Int? {
        guard before != after else { return 0 }
        // Counted as people count lines: a newline added or removed at the end changes none (the file
        // resource says so in words).
        return boundedDiff(before: before, after: after, markingMissingNewline: false)?
            .filter { if case .same = $0 { return false } else { return true } }.count
    }

    /// "content differs, 1048576 bytes -> 1048590 bytes", for texts that get no line diff.
    public static func summary(before: String, after: String) -> String {
        "content differs, \(before.utf8.count) bytes -> \(after.utf8.count) bytes"
    }

    static func lines(_ text: String, markingMissingNewline: Bool = true) -> [String] {
        var result = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if result.last == "" {
            result.removeLast()
        } else if markingMissingNewline, !result.isEmpty {
            result[result.count - 1] += missingNewline
        }
        return result
    }

    static func boundedDiff(before: String, after: String, markingMissingNewline: Bool = true) -> [Edit]? {
        guard before.utf8.count + after.utf8.count <= maximumBytes else { return nil }
        return diff(lines(before, markingMissingNewline: markingMissingNewline),
                    lines(after, markingMissingNewline: markingMissingNewline), limit: maximumChangedLines)
    }

    /// The edits that turn `a` into `b`; nil when more than `limit` lines would be removed or added, or when
    /// finding them would take more than `budget` comparisons.
    static func diff(_ a: [String], _ b: [String], limit: Int, budget: Int = comparisonBudget) -> [Edit]? {
        // Lines become small numbers: comparing them is then one integer compare.
        var numbers: [String: Int32] = [:]
        numbers.reserveCapacity(min(a.count + b.count, 1 << 20))
        func number(_ line: String) -> Int32 {
            if let known = numbers[line] { return known }
            let next = Int32(numbers.count)
            numbers[line] = next
            return next
        }
        var search = LinearSpaceSearch(a: a.map(number), b: b.map(number), budget: budget)
        guard search.run(limit: limit) else { return nil }
        return search.steps.map { step in
            switch step {
            case .same(let i): return .same(a[i])
            case .removed(let i): return .removed(a[i])
            case .added(let j): return .added(b[j])
            }
        }
    }

    /// The unbounded form, for tests: every edit, however many.
    static func diff(_ a: [String], _ b: [String]) -> [Edit] {
        diff(a, b, limit: .max, budget: .max)!
    }
}

/// Myers' O(ND) difference search in linear space: the two frontier arrays are allocated once and reused by
/// every level of the recursion, and the result is the list of steps.
private struct LinearSpaceSearch {
    enum Step {
        case same(Int), removed(Int), added(Int)
    }

    let a: [Int32]
    let b: [Int32]
    var steps: [Step] = []
    private var forward: [Int]
    private var backward: [Int]
    /// Comparisons left before the search gives up.
    private var budget: Int

    init(a: [Int32], b: [Int32], budget: Int) {
        self.a = a
        self.b = b
        self.budget = budget
        let size = a.count + b.count + 3
        forward = [Int](repeating: 0, count: 2 * size)
        backward = [Int](repeating: 0, count: 2 * size)
        steps.reserveCapacity(max(a.count, b.count))
    }

    /// Fills `steps`; false when the texts differ in more than `limit` lines (checked on the first split,
    /// which finds the whole edit distance) or the comparison budget ran out.
    mutating func run(limit: Int) -> Bool {
        compare(0, a.count, 0, b.count, limit: limit)
    }

    private mutating func compare(_ aStart: Int, _ aEnd: Int, _ bStart: Int, _ bEnd: Int, limit: Int = .max) -> Bool {
        var aLow = aStart, bLow = bStart, aHigh = aEnd, bHigh = bEnd
        while aLow < aHigh && bLow < bHigh && a[aLow] == b[bLow] {
            steps.append(.same(aLow))
            aLow += 1
            bLow += 1
        }
        var suffix = 0
        while aHigh > aLow && bHigh > bLow && a[aHigh - 1] == b[bHigh - 1] {
            aHigh -= 1
            bHigh -= 1
            suffix += 1
        }
        if aLow == aHigh || bLow == bHigh {
            if (aHigh - aLow) + (bHigh - bLow) > limit { return false }
            for i in aLow..<aHigh { steps.append(.removed(i)) }
            for j in bLow..<bHigh { steps.append(.added(j)) }
        } else {
            guard let (x, y) = middle(aLow, aHigh, bLow, bHigh, limit: limit) else { return false }
            if (x == aLow && y == bLow) || (x == aHigh && y == bHigh) {
                // Cannot happen for trimmed ranges; kept so that the recursion always ends.
                for i in aLow..<aHigh { steps.append(.removed(i)) }
                for j in bLow..<bHigh { steps.append(.added(j)) }
            } else {
                guard compare(aLow, x, bLow, y), compare(x, aHigh, y, bHigh) else { return false }
            }
        }
        for offset in 0..<suffix { steps.append(.same(aHigh + offset)) }
        return true
    }

    /// A point on an optimal edit path of the sub-problem, found where the search from the start meets the
    /// search from the end; nil when the edit distance exceeds `limit`.
    private mutating func middle(_ aLow: Int, _ aHigh: Int, _ bLow: Int, _ bHigh: Int, limit: Int) -> (Int, Int)? {
        let n = aHigh - aLow, m = bHigh - bLow
        let delta = n - m
        let odd = delta & 1 != 0
        let maxD = (n + m + 1) / 2
        let offset = maxD + 1
        forward[offset + 1] = 0
        backward[offset + 1] = 0
        for d in 0...maxD {
            if d > 0 && 2 * d - 1 > limit { return nil }
            budget -= 2 * d + 1
            if budget < 0 { return nil }
            // From the start.
            for k in stride(from: -d, through: d, by: 2) {
                var x = k == -d || (k != d && forward[offset + k - 1] < forward[offset + k + 1])
                    ? forward[offset + k + 1] : forward[offset + k - 1] + 1
                var y = x - k
                let start = x
                while x < n && y < m && a[aLow + x] == b[bLow + y] {
                    x += 1
                    y += 1
                }
                budget -= x - start
                forward[offset + k] = x
                let reverseK = delta - k
                if odd && reverseK >= -(d - 1) && reverseK <= d - 1 && x + backward[offset + reverseK] >= n {
                    return (aLow + x, bLow + y)
                }
            }
            if 2 * d > limit { return nil }
            // From the end, on the reversed texts.
            for k in stride(from: -d, through: d, by: 2) {
                var x = k == -d || (k != d && backward[offset + k - 1] < backward[offset + k + 1])
                    ? backward[offset + k + 1] : backward[offset + k - 1] + 1
                var y = x - k
                let start = x
                while x < n && y < m && a[aHigh - 1 - x] == b[bHigh - 1 - y] {
                    x += 1
                    y += 1
                }
                budget -= x - start
                backward[offset + k] = x
                let forwardK = delta - k
                if !odd && forwardK >= -d && forwardK <= d && forward[offset + forwardK] + x >= n {
                    let fx = forward[offset + forwardK]
                    return (aLow + fx, bLow + fx - forwardK)
                }
            }
        }
        return nil
    }
}
