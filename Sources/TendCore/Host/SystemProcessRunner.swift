import Foundation

/// Runs commands with Foundation `Process`: argv only, stdout and stderr drained on their own threads while
/// the process runs, output capped at `captureLimit` bytes per stream (the newest bytes are kept), the
/// command's timeout enforced with SIGTERM then SIGKILL, and the process group stopped on task cancellation.
public struct SystemProcessRunner: ProcessRunner {
    /// Which stream a chunk of live output came from.
    public enum Stream: Sendable { case standardOutput, standardError }

    public var captureLimit: Int
    /// Seconds between SIGTERM and SIGKILL when a command is stopped.
    public var terminationGrace: Double
    /// The environment every command starts from, before the command's own variables.
    public var baseEnvironment: [String: String]
    /// Prefix privileged commands with `sudo -n` (true when tend is not root).
    public var useSudo: Bool
    /// Called with output as it arrives, for `-v`; may be called from any thread.
    public var liveOutput: (@Sendable (Command, Stream, [UInt8]) -> Void)?

    public init(captureLimit: Int = 16 << 20, terminationGrace: Double = 5,
                baseEnvironment: [String: String] = ProcessInfo.processInfo.environment,
                useSudo: Bool = geteuid() != 0,
                liveOutput: (@Sendable (Command, Stream, [UInt8]) -> Void)? = nil) {
        self.captureLimit = captureLimit
        self.terminationGrace = terminationGrace
        self.baseEnvironment = baseEnvironment
        self.useSudo = useSudo
        self.liveOutput = liveOutput
    }

    public func run(_ command: Command) async throws -> CommandResult {
        var argv = command.arguments
        if command.privileged && useSudo {
            // sudo resets the environment, so the command's own variables (DEBIAN_FRONTEND) go through env.
            let assignments = command.environment.keys.sorted().map { "\($0)=\(command.environment[$0]!)" }
            argv = ["sudo", "-n", "--"] + (assignments.isEmpty ? [] : ["env"] + assignments) + argv
        }
        var environment = baseEnvironment
        for (key, value) in command.environment { environment[key] = value }
        guard let executable = Self.resolve(argv[0], path: environment["PATH"]) else {
            throw CommandError.launchFailed(command, reason: "'\(argv[0])' was not found on PATH")
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(argv.dropFirst())
        process.environment = environment
        if let directory = command.workingDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
        }
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let inPipe: Pipe? = command.input == nil ? nil : Pipe()
        process.standardInput = inPipe ?? FileHandle.nullDevice

        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        let control = RunControl()
        let started = Date()
        do {
            try process.run()
        } catch {
            throw CommandError.launchFailed(command, reason: error.localizedDescription)
        }
        // The parent's copies of the child's ends must close, or the readers never see end of file.
        try? outPipe.fileHandleForWriting.close()
        try? errPipe.fileHandleForWriting.close()
        let pid = process.processIdentifier

        let live = liveOutput
        let stdoutReader = PipeReader(fd: outPipe.fileHandleForReading.fileDescriptor, limit: captureLimit,
                                      control: control) { live?(command, .standardOutput, $0) }
        let stderrReader = PipeReader(fd: errPipe.fileHandleForReading.fileDescriptor, limit: captureLimit,
                                      control: control) { live?(command, .standardError, $0) }
        stdoutReader.start()
        stderrReader.start()
        if let inPipe, let input = command.input {
            try? inPipe.fileHandleForReading.close()
            let writer = inPipe.fileHandleForWriting
            Thread.detachNewThread {
                signal(SIGPIPE, SIG_IGN)
                try? writer.write(contentsOf: Data(input))
                try? writer.close()
            }
        }

        let grace = terminationGrace
        if let timeout = command.timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if control.markTimedOut() { Self.stop(pid: pid, grace: grace, exited: control) }
            }
        }

        // Foundation on Linux reports the exit only when every inheritor of its private descriptor has gone,
        // so a script that leaves a background child running would look alive; an exited child that is not
        // yet reaped shows as a zombie in /proc, with its wait status, and that is taken as the exit.
        let zombieStatus = ZombieStatus()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // A thread of its own: blocking a Dispatch worker per running command would cap concurrency
                // at the number of cores.
                Thread.detachNewThread {
                    while exited.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
                        if let status = Self.zombieWaitStatus(pid: pid) {
                            zombieStatus.value = status
                            break
                        }
                    }
                    control.markExited()
                    stdoutReader.wait()
                    stderrReader.wait()
                    continuation.resume()
                }
            }
        } onCancel: {
            if control.markCancelled() { Self.stop(pid: pid, grace: grace, exited: control) }
        }

        var status: Int32
        var signaled: Bool
        if let wait = zombieStatus.value {
            signaled = wait & 0x7f != 0
            status = signaled ? wait & 0x7f : (wait >> 8) & 0xff
        } else {
            status = process.terminationStatus
            signaled = process.terminationReason == .uncaughtSignal
        }
        let result = CommandResult(
            command: command, status: signaled ? 128 + status : status, signaled: signaled,
            standardOutput: stdoutReader.bytes, standardError: stderrReader.bytes,
            truncated: stdoutReader.truncated || stderrReader.truncated,
            duration: Date().timeIntervalSince(started))
        if control.wasCancelled { throw CommandError.cancelled(command) }
        if control.wasTimedOut { throw CommandError.timedOut(command, seconds: command.timeout ?? 0, partial: result) }
        return result
    }

    /// SIGTERM to the process and its group, then SIGKILL after the grace period if it is still running.
    private static func stop(pid: Int32, grace: Double, exited: RunControl) {
        kill(-pid, SIGTERM)
        kill(pid, SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) {
            guard !exited.hasExited else { return }
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
    }

    /// The wait status of a child that has exited but is not yet reaped (Linux), else nil.
    static func zombieWaitStatus(pid: Int32) -> Int32? {
        #if os(Linux)
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        // The command name may hold spaces and parentheses: fields start after the last ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.first == "Z", fields.count >= 50, let status = Int32(fields[49].trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return nil
        }
        return status
        #else
        return nil
        #endif
    }

    /// The absolute path of `program`: as is when it has a slash, else the first executable match on PATH.
    public static func resolve(_ program: String, path: String?) -> String? {
        if program.contains("/") { return access(program, X_OK) == 0 ? program : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// The wait status read from /proc when Foundation has not yet seen the exit.
private final class ZombieStatus: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32?
    var value: Int32? {
        get { lock.withLock { status } }
        set { lock.withLock { status = newValue } }
    }
}

/// What happened to one run, shared by the timer, the cancellation handler and the waiting thread.
private final class RunControl: @unchecked Sendable {
    private let lock = NSLock()
    private var timedOut = false
    private var cancelled = false
    private var exited = false
    private var exitTime: Date?

    func markTimedOut() -> Bool {
        lock.withLock {
            guard !exited, !cancelled, !timedOut else { return false }
            timedOut = true
            return true
        }
    }

    func markCancelled() -> Bool {
        lock.withLock {
            guard !exited, !timedOut, !cancelled else { return false }
            cancelled = true
            return true
        }
    }

    func markExited() {
        lock.withLock {
            exited = true
            exitTime = Date()
        }
    }

    var hasExited: Bool { lock.withLock { exited } }
    var wasTimedOut: Bool { lock.withLock { timedOut } }
    var wasCancelled: Bool { lock.withLock { cancelled } }
    /// Seconds since the process exited, nil while it runs.
    var secondsSinceExit: Double? { lock.withLock { exitTime.map { Date().timeIntervalSince($0) } } }
}

/// Reads one pipe on its own thread until end of file, keeping the newest `limit` bytes. When the process
/// has exited but a background child still holds the pipe open, it gives up after a short wait.
private final class PipeReader: @unchecked Sendable {
    private let fd: Int32
    private let limit: Int
    private let control: RunControl
    private let onChunk: @Sendable ([UInt8]) -> Void
    private let done = DispatchSemaphore(value: 0)
    private(set) var bytes: [UInt8] = []
    private(set) var truncated = false

    init(fd: Int32, limit: Int, control: RunControl, onChunk: @escaping @Sendable ([UInt8]) -> Void) {
        self.fd = fd
        self.limit = limit
        self.control = control
        self.onChunk = onChunk
    }

    func start() {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            var pollDescriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while true {
                let ready = poll(&pollDescriptor, 1, 100)
                if ready == 0 {
                    if let since = control.secondsSinceExit, since > 1 { break }
                    continue
                }
                if ready < 0 {
                    if errno == EINTR { continue }
                    break
                }
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                let chunk = Array(buffer[0..<count])
                onChunk(chunk)
                bytes.append(contentsOf: chunk)
                if bytes.count > limit {
                    bytes.removeFirst(bytes.count - limit)
                    truncated = true
                }
            }
            done.signal()
        }
    }

    func wait() {
        done.wait()
    }
}
