/// A unified diff of two texts by lines (Myers' algorithm), for file content in plans.
public enum LineDiff {
    enum Edit: Equatable {
        case same(String), removed(String), added(String)
    }

    /// The unified diff with `context` lines around changes; empty when the texts are equal.
    public static func unified(before: String, after: String, beforeLabel: String, afterLabel: String,
                               context: Int = 3) -> String {
        let a = lines(before)
        let b = lines(after)
        let edits = diff(a, b)
        guard edits.contains(where: { if case .same = $0 { return false } else { return true } }) else { return "" }
        var out = "--- \(beforeLabel)\n+++ \(afterLabel)\n"
        // Group edits into hunks separated by more than 2*context unchanged lines.
        var index = 0
        var aLine = 0, bLine = 0
        var positions: [(a: Int, b: Int)] = []
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
                case .same(let line): body += " \(line)\n"; aCount += 1; bCount += 1
                case .removed(let line): body += "-\(line)\n"; aCount += 1
                case .added(let line): body += "+\(line)\n"; bCount += 1
                }
            }
            let aStart = aCount == 0 ? positions[start].a : positions[start].a + 1
            let bStart = bCount == 0 ? positions[start].b : positions[start].b + 1
            out += "@@ -\(aStart),\(aCount) +\(bStart),\(bCount) @@\n" + body
        }
        if !before.isEmpty && !before.hasSuffix("\n") || !after.isEmpty && !after.hasSuffix("\n") {
            out += "\\ No newline at end of file\n"
        }
        return out
    }

    /// How many lines differ: removed plus added.
    public static func changedLineCount(before: String, after: String) -> Int {
        diff(lines(before), lines(after)).filter { if case .same = $0 { return false } else { return true } }.count
    }

    static func lines(_ text: String) -> [String] {
        var result = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if result.last == "" { result.removeLast() }
        return result
    }

    static func diff(_ a: [String], _ b: [String]) -> [Edit] {
        let n = a.count, m = b.count
        let max = n + m
        if max == 0 { return [] }
        var v = [Int](repeating: 0, count: 2 * max + 2)
        var trace: [[Int]] = []
        outer: for d in 0...max {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max]) {
                    x = v[k + 1 + max]
                } else {
                    x = v[k - 1 + max] + 1
                }
                var y = x - k
                while x < n && y < m && a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[k + max] = x
                if x >= n && y >= m { trace.append(v); break outer }
            }
        }
        // Walk back through the trace to recover the edits.
        var edits: [Edit] = []
        var x = n, y = m
        for d in stride(from: trace.count - 2, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let prevK: Int
            if k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max]) {
                prevK = k + 1
            } else {
                prevK = k - 1
            }
            let prevX = v[prevK + max]
            let prevY = prevX - prevK
            while x > prevX && y > prevY {
                edits.append(.same(a[x - 1]))
                x -= 1
                y -= 1
            }
            if d > 0 {
                if x == prevX {
                    edits.append(.added(b[y - 1]))
                    y -= 1
                } else {
                    edits.append(.removed(a[x - 1]))
                    x -= 1
                }
            }
        }
        while x > 0 && y > 0 {
            edits.append(.same(a[x - 1]))
            x -= 1
            y -= 1
        }
        return edits.reversed()
    }
}
