import Foundation
import TendCore

/// Progress sinks also take raw command output (with -v) and flush at the end.
protocol ProgressFlushing: Sendable {
    func output(_ bytes: [UInt8])
    func flush()
}

/// Without a terminal: one timestamped line per event, commands included; output with -v.
final class PlainProgress: ApplyProgress, ProgressFlushing, @unchecked Sendable {
    private let verbose: Bool
    private let notes = RunNotes()
    private let lock = NSLock()
    private let formatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()

    init(verbose: Bool) {
        self.verbose = verbose
    }

    /// One log line; addresses, messages and command lines are the config's and the host's text, so control
    /// characters in them are escaped and none can start a line of its own.
    private func line(_ text: String) {
        lock.withLock { Terminal.write(formatter.string(from: Date()) + " " + TerminalText.escape(text) + "\n") }
    }

    func started(_ change: ResourceChange) {
        line("start   \(change.address): \(change.message)")
    }

    func finished(_ change: ResourceChange, outcome: ChangeOutcome) {
        switch outcome {
        case .succeeded(let duration, let attempts):
            line("done    \(change.address) (\(Duration.text(duration))\(attempts > 1 ? ", \(attempts) attempts" : ""))")
        case .failed(let message, let duration, _):
            line("failed  \(change.address) (\(Duration.text(duration))): \(message.split(separator: "\n").first ?? "")")
        case .skipped(let reason):
            line("skipped \(change.address): \(reason)")
        }
    }

    func log(_ address: Address?, _ text: String) {
        guard notes.firstTime(address, text) else { return }
        line("        " + (address.map { "\($0): " } ?? "") + text)
    }

    func output(_ bytes: [UInt8]) {
        guard verbose else { return }
        lock.withLock { FileHandle.standardOutput.write(Data(TerminalText.escapeLines(String(decoding: bytes, as: UTF8.self)).utf8)) }
    }

    func flush() {}
}

/// On a terminal: one live line per running change with a spinner and elapsed time; finished lines stay,
/// with their outcome and duration.
final class LiveProgress: ApplyProgress, ProgressFlushing, @unchecked Sendable {
    private let color: Bool
    private let notes = RunNotes()
    private let verbose: Bool
    private let lock = NSLock()
    private var running: [(address: Address, message: String, started: Date)] = []
    private var drawnLines = 0
    private var frame = 0
    private var timer: (any DispatchSourceTimer)?
    private static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    init(color: Bool, verbose: Bool) {
        self.color = color
        self.verbose = verbose
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + 0.1, repeating: 0.1)
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
        self.timer = timer
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// Clears the live block, prints `text` above it, and draws the block again. Call with the lock held.
    private func redraw(printing text: String = "") {
        var out = ""
        if drawnLines > 0 { out += "\u{1B}[\(drawnLines)F\u{1B}[J" }
        out += text
        let now = Date()
        for item in running {
            let spin = Self.spinner[frame % Self.spinner.count]
            out += paint(spin, "36") + " \(TerminalText.escape(item.address.description))  \(item.message) " + paint(Duration.text(now.timeIntervalSince(item.started)), "2") + "\n"
        }
        drawnLines = running.count
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    private func tick() {
        lock.withLock {
            guard !running.isEmpty else { return }
            frame += 1
            redraw()
        }
    }

    func started(_ change: ResourceChange) {
        lock.withLock {
            running.append((change.address, TerminalText.escape(change.message), Date()))
            redraw()
        }
    }

    func finished(_ change: ResourceChange, outcome: ChangeOutcome) {
        lock.withLock {
            running.removeAll { $0.address == change.address }
            let address = TerminalText.escape(change.address.description)
            let message = TerminalText.escape(change.message)
            let text: String
            switch outcome {
            case .succeeded(let duration, _):
                text = paint("✓", "32") + " \(address)  \(message) " + paint(Duration.text(duration), "2") + "\n"
            case .failed(let failure, let duration, _):
                text = paint("✗", "31") + " \(address)  \(message) " + paint(Duration.text(duration), "2")
                    + "\n    " + paint(TerminalText.escape(String(failure.split(separator: "\n").first ?? "")), "31") + "\n"
            case .skipped(let reason):
                text = paint("-", "33") + " \(address)  skipped: \(TerminalText.escape(reason))\n"
            }
            redraw(printing: text)
        }
    }

    func log(_ address: Address?, _ text: String) {
        guard verbose || !text.hasPrefix("$ "), notes.firstTime(address, text) else { return }
        lock.withLock { redraw(printing: paint("  " + TerminalText.escape(text), "2") + "\n") }
    }

    func output(_ bytes: [UInt8]) {
        guard verbose else { return }
        lock.withLock { redraw(printing: TerminalText.escapeLines(String(decoding: bytes, as: UTF8.self))) }
    }

    func flush() {
        lock.withLock {
            timer?.cancel()
            timer = nil
            running.removeAll()
            redraw()
        }
    }
}

enum Duration {
    static func text(_ seconds: Double) -> String {
        seconds < 10 ? String(format: "%.1fs", seconds) : String(format: "%.0fs", seconds)
    }
}
