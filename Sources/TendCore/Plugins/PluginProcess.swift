import Foundation

/// One running plugin: its stdin for requests, its stdout split into lines on a reader thread (bounded in line
/// length and total size), its stderr logged line by line and kept as a short tail. Every process started is
/// recorded in `PluginProcesses` so that none outlives tend.
final class PluginProcess: @unchecked Sendable {
    /// What waiting for the next line of stdout gave.
    enum Next {
        case line(String)
        /// End of stdout: the plugin closed it or exited.
        case ended
        /// Nothing arrived before the deadline.
        case timedOut
        /// The output passed a bound; the message says which.
        case overflow(String)
    }

    let name: String
    private let process: Process
    private let input: FileHandle
    private let limits: PluginLimits
    private let writer = DispatchQueue(label: "tend.plugin.stdin")
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var lines: [String] = []
    private var stdoutEnded = false
    private var overflow: String?
    private var exited = false
    private var stderrTail: [UInt8] = []
    private var stderrEnded = false
    private var stderrLogged = 0
    private var stderrSink: (@Sendable (String) -> Void)?

    init(name: String, executable: String, environment: [String: String], directory: String,
         limits: PluginLimits) throws(PluginError) {
        self.name = name
        self.limits = limits
        // A plugin that dies while tend writes to it must fail its change, not kill tend with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = []
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe
        self.process = process
        self.input = inPipe.fileHandleForWriting
        let exitCondition = condition
        process.terminationHandler = { [weak self] _ in
            exitCondition.lock()
            self?.exited = true
            exitCondition.broadcast()
            exitCondition.unlock()
        }
        do {
            try process.run()
        } catch {
            throw .launchFailed(plugin: name, reason: error.localizedDescription)
        }
        PluginProcesses.shared.started(process.processIdentifier, input: inPipe.fileHandleForWriting.fileDescriptor)
        // The parent's copies of the child's ends must close, or end of file never comes.
        try? inPipe.fileHandleForReading.close()
        try? outPipe.fileHandleForWriting.close()
        try? errPipe.fileHandleForWriting.close()
        // The pipes' file handles own these descriptors and close them when the process (which keeps the pipes)
        // is released; the readers never close them, so no descriptor is closed twice.
        let outFD = outPipe.fileHandleForReading.fileDescriptor
        let errFD = errPipe.fileHandleForReading.fileDescriptor
        Thread.detachNewThread { [self] in self.readStdout(outFD) }
        Thread.detachNewThread { [self] in self.readStderr(errFD) }
    }

    var pid: Int32 { process.processIdentifier }

    /// Sends one line; the write happens on a queue of its own so that a plugin that stops reading cannot block
    /// tend past its timeout (stopping it ends the write with an error, which is ignored: the wait reports it).
    func send(_ line: String) {
        let data = Data((line + "\n").utf8)
        writer.async { [input] in try? input.write(contentsOf: data) }
    }

    /// Where stderr lines go from now on (the apply log). Until the first sink, they are kept in the tail only;
    /// the sink stays after a request, since a plugin's stderr may arrive after its answer on stdout.
    func setStderrSink(_ sink: @escaping @Sendable (String) -> Void) {
        condition.lock()
        stderrSink = sink
        condition.unlock()
    }

    /// The next line of stdout, waiting until `deadline`.
    func next(until deadline: Date) -> Next {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if !lines.isEmpty { return .line(lines.removeFirst()) }
            if let overflow { return .overflow(overflow) }
            if stdoutEnded { return .ended }
            if !condition.wait(until: deadline) && lines.isEmpty && overflow == nil && !stdoutEnded {
                return .timedOut
            }
        }
    }

    /// How the process ended ("exited with status 3", "was killed by signal 9"), waiting up to `seconds` for
    /// it; nil when it is still running then.
    func exitDescription(waitingUpTo seconds: Double) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        while !exited {
            if let status = SystemProcessRunner.zombieWaitStatus(pid: pid) {
                condition.unlock()
                let signal = status & 0x7f
                return signal != 0 ? "was killed by signal \(signal)" : "exited with status \((status >> 8) & 0xff)"
            }
            if Date() >= deadline { condition.unlock(); return nil }
            _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.05)))
        }
        condition.unlock()
        if process.terminationReason == .uncaughtSignal {
            return "was killed by signal \(process.terminationStatus)"
        }
        return "exited with status \(process.terminationStatus)"
    }

    /// The newest bytes of stderr, as text; once stdout has ended, waits a moment for stderr to end too, so that
    /// the last words of a plugin that died are not lost to the race between the two readers.
    var stderr: String {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(1)
        while stdoutEnded && !stderrEnded && condition.wait(until: deadline) {}
        return String(decoding: stderrTail, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Closes stdin, which tells a well-behaved plugin to exit, and waits a moment for it; then stops it.
    func finish() {
        writer.sync { try? input.close() }
        if exitDescription(waitingUpTo: 2) == nil { stop() }
        PluginProcesses.shared.ended(pid)
    }

    /// SIGTERM to the plugin and its process group, SIGKILL a second later if it is still there.
    func stop() {
        let pid = self.pid
        defer { PluginProcesses.shared.ended(pid) }
        // Once it has exited and been reaped its id may belong to another process: no signal then.
        guard exitDescription(waitingUpTo: 0) == nil else {
            writer.async { [input] in try? input.close() }
            return
        }
        kill(-pid, SIGTERM)
        kill(pid, SIGTERM)
        if exitDescription(waitingUpTo: 1) == nil {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            _ = exitDescription(waitingUpTo: 2)
        }
        writer.async { [input] in try? input.close() }
    }

    private func readStdout(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var pending: [UInt8] = []
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            total += count
            var complete: [String] = []
            var start = 0
            for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
                pending.append(contentsOf: buffer[start..<index])
                complete.append(String(decoding: pending, as: UTF8.self))
                pending.removeAll(keepingCapacity: true)
                start = index + 1
            }
            pending.append(contentsOf: buffer[start..<count])
            var problem: String?
            if pending.count > limits.lineLength {
                problem = "printed a line longer than \(limits.lineLength) bytes, starting "
                    + PluginText.quote(String(decoding: pending.prefix(PluginText.quoteLimit + 1), as: UTF8.self))
            } else if total > limits.totalOutput {
                problem = "printed more than \(limits.totalOutput) bytes in this run"
            }
            condition.lock()
            lines.append(contentsOf: complete)
            overflow = problem
            condition.broadcast()
            condition.unlock()
            if problem != nil { break }
        }
        condition.lock()
        if !pending.isEmpty && overflow == nil { lines.append(String(decoding: pending, as: UTF8.self)) }
        stdoutEnded = true
        condition.broadcast()
        condition.unlock()
    }

    private func readStderr(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16384)
        var pending: [UInt8] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            condition.lock()
            stderrTail.append(contentsOf: buffer[0..<count])
            if stderrTail.count > limits.stderrTail { stderrTail.removeFirst(stderrTail.count - limits.stderrTail) }
            let sink = stderrSink
            condition.unlock()
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                log(String(decoding: pending[..<newline], as: UTF8.self), sink: sink)
                pending.removeSubrange(...newline)
            }
            if pending.count > 4096 {
                log(String(decoding: pending, as: UTF8.self), sink: sink)
                pending.removeAll()
            }
        }
        condition.lock()
        stderrEnded = true
        condition.broadcast()
        condition.unlock()
    }

    /// One stderr line to the log, escaped and cut short; past `stderrLines` lines, one note and then nothing.
    private func log(_ line: String, sink: (@Sendable (String) -> Void)?) {
        guard let sink else { return }
        condition.lock()
        stderrLogged += 1
        let count = stderrLogged
        condition.unlock()
        if count <= limits.stderrLines {
            sink("plugin \(name) stderr: " + TerminalText.escape(PluginText.cut(line, to: 500)))
        } else if count == limits.stderrLines + 1 {
            sink("plugin \(name) stderr: further lines are not logged")
        }
    }
}
