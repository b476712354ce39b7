/// A crontab's text split into the user's own lines and tend's marked block, which holds one entry per resource
/// (a `# tend id=ID` comment, then the entry's line). The user's lines are kept byte for byte; only the block is
/// ever rewritten, and a crontab without tend's entries has no block at all.
struct CrontabBlock: Sendable, Hashable {
    static let begin = "# BEGIN tend: entries below are written by tend from its config; edit them there"
    static let end = "# END tend"
    static let marker = "# tend id="

    /// One entry in tend's block: its id, schedule and command as cron reads them.
    struct Entry: Sendable, Hashable {
        var id: String
        var schedule: String
        /// The command as the config writes it: `%` unescaped.
        var command: String
        /// The crontab line exactly as it stands.
        var line: String
    }

    /// The text before and after tend's block, as it is (each ends in a newline when not empty).
    var before: String
    var after: String
    var entries: [Entry]

    init(before: String = "", after: String = "", entries: [Entry] = []) {
        self.before = before
        self.after = after
        self.entries = entries
    }

    /// Splits a crontab; without a block, all of it is the user's and comes before.
    init(parsing text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let start = lines.firstIndex(of: Self.begin) else {
            self.init(before: text)
            return
        }
        let stop = lines[start...].firstIndex(of: Self.end) ?? lines.count
        var entries: [Entry] = []
        var index = start + 1
        while index < stop {
            let line = lines[index]
            if line.hasPrefix(Self.marker), index + 1 < stop {
                let id = String(line.dropFirst(Self.marker.count))
                let entryLine = lines[index + 1]
                if let (schedule, command) = Self.split(entryLine) {
                    entries.append(Entry(id: id, schedule: schedule, command: command, line: entryLine))
                }
                index += 2
            } else {
                index += 1
            }
        }
        let joined = { (part: ArraySlice<String>) in part.isEmpty ? "" : part.joined(separator: "\n") + "\n" }
        self.init(before: joined(lines[..<start]), after: stop < lines.count ? joined(lines[(stop + 1)...]) : "",
                  entries: entries)
    }

    /// The crontab's text with the block as it is now; no block when there are no entries.
    var text: String {
        guard !entries.isEmpty else { return before + after }
        var block = Self.begin + "\n"
        for entry in entries { block += Self.marker + entry.id + "\n" + entry.line + "\n" }
        block += Self.end + "\n"
        let separator = before.isEmpty || before.hasSuffix("\n") ? "" : "\n"
        return before + separator + block + after
    }

    /// The crontab line for a schedule and a command: `%`, which cron turns into a newline, is escaped so that
    /// the command runs as written.
    static func line(schedule: String, command: String) -> String {
        schedule + " " + command.replacingOccurrences(of: "%", with: "\\%")
    }

    /// A line's schedule (five fields, or one `@` word) and its command with `\%` read back as `%`.
    static func split(_ line: String) -> (schedule: String, command: String)? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        let count = line.hasPrefix("@") ? 1 : 5
        guard fields.count > count else { return nil }
        let schedule = fields.prefix(count).joined(separator: " ")
        var rest = Substring(line)
        for _ in 0..<count {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            rest = rest.drop { $0 != " " && $0 != "\t" }
        }
        let command = rest.drop { $0 == " " || $0 == "\t" }
        return (schedule, command.replacingOccurrences(of: "\\%", with: "%"))
    }
}
