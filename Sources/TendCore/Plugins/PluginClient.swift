import Foundation

/// Talks to one plugin executable over JSON Lines (DESIGN section 5). The process starts on the first request
/// and serves every request of the run, one at a time; a plugin that breaks the stream (not JSON, dies, hangs,
/// too much output) is stopped, and every later request fails with that first reason. Messages that are wrong
/// but leave the stream intact (a CONTROL for another address) fail only the change they belong to.
public final class PluginClient: @unchecked Sendable {
    public let reference: PluginReference
    public let limits: PluginLimits
    private let environment: [String: String]
    private let lock = NSLock()
    // Guarded by `lock`, which is held for a whole request.
    private var process: PluginProcess?
    private var brokenBecause: String?
    /// The running process, readable without waiting for a request to end (for cancellation).
    private let liveLock = NSLock()
    private var live: PluginProcess?

    /// `environment` is the plugin's whole environment (see `PluginClient.environment(from:home:)`).
    public init(reference: PluginReference, environment: [String: String], limits: PluginLimits = PluginLimits()) {
        self.reference = reference
        self.environment = environment
        self.limits = limits
    }

    public var name: String { reference.name }

    /// The small environment a plugin gets: where home is, who runs it, the PATH and locale, and nothing else
    /// (no tokens or credentials the caller happens to hold).
    public static func environment(from environment: [String: String], home: String) -> [String: String] {
        var result: [String: String] = ["HOME": home, "TEND_PLUGIN_PROTOCOL": "1"]
        for key in ["PATH", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR"] {
            if let value = environment[key] { result[key] = value }
        }
        if result["PATH"] == nil { result["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        return result
    }

    // MARK: Requests

    /// Asks for the types the plugin serves.
    /// Synchronous: the config loader, which needs the types, is.
    public func spec() throws(PluginError) -> [PluginTypeSpec] {
        lock.lock()
        defer { lock.unlock() }
        let answer = try exchangeLocked(.object([("type", .string("SPEC"))]), what: "SPEC", timeout: limits.timeout,
                                        log: nil) { message, type throws(PluginError) in
            type == "SPEC" ? message : nil
        }
        return try PluginTypeSpec.parse(answer, plugin: name)
    }

    /// The current parameters of each resource (nil: absent), for all resources of the plugin's types at once.
    /// An answer for an address tend did not ask about fails the whole refresh.
    public func refresh(_ resources: [(address: Address, parameters: [String: Value])]) async throws(PluginError)
        -> [Address: [String: Value]?] {
        let request = JSON.object([
            ("type", .string("REFRESH")),
            ("resources", .array(resources.map {
                .object([("address", .string($0.address.description)),
                         ("parameters", Value.map($0.parameters).json)])
            })),
        ])
        let asked = Set(resources.map { $0.address.description })
        let answer = try await exchange(request, what: "REFRESH", timeout: limits.timeout, log: nil) {
            message, type throws(PluginError) in type == "REFRESH_RESULT" ? message : nil
        }
        guard let results = answer["results"]?.arrayValue else {
            throw .protocolViolation(plugin: name, message: "sent a REFRESH_RESULT without a 'results' list")
        }
        var current: [Address: [String: Value]?] = [:]
        let byText = Dictionary(resources.map { ($0.address.description, $0.address) }, uniquingKeysWith: { a, _ in a })
        for result in results {
            guard let text = result["address"]?.stringValue else {
                throw .protocolViolation(plugin: name, message: "sent a REFRESH_RESULT entry without an 'address'")
            }
            guard asked.contains(text), let address = byText[text] else {
                throw .protocolViolation(plugin: name, message: "answered for \(PluginText.quote(text)), an address "
                                         + "tend did not ask it about (it asked about "
                                         + asked.sorted().joined(separator: ", ") + ")")
            }
            switch result["current"] {
            case nil, .null?: current[address] = .some(nil)
            case .object?: current[address] = .some(Value(json: result["current"]!).mapValue ?? [:])
            default:
                throw .protocolViolation(plugin: name, message: "sent a 'current' for \(text) that is neither an "
                                         + "object nor null")
            }
        }
        return current
    }

    /// What the plugin said about one change: its RESULT, and the configuration its CONTROL messages asked tend
    /// to keep (already checked to be for this address; the caller checks it against the schema).
    public struct ApplyAnswer: Sendable {
        public var succeeded: Bool
        public var outputs: [String: Value]
        public var errorMessage: String?
        public var retryable: Bool
        public var control: [String: Value]
        /// Problems with CONTROL messages that leave the stream intact; any makes the change fail.
        public var controlProblems: [String]
    }

    /// Sends one change and reads LOG and CONTROL messages up to its RESULT; `log` receives LOG lines and stderr.
    public func apply(change: JSON, address: Address, timeout: Double?,
                      log: @escaping @Sendable (String) -> Void) async throws(PluginError) -> ApplyAnswer {
        var control: [String: Value] = [:]
        var problems: [String] = []
        let name = self.name
        let result = try await exchange(.object([("type", .string("APPLY")), ("change", change)]),
                                        what: "APPLY for \(address)", timeout: timeout ?? limits.timeout,
                                        log: log) { message, type throws(PluginError) in
            switch type {
            case "RESULT": return message
            case "CONTROL":
                let target = message["address"]?.stringValue ?? ""
                guard target == address.description else {
                    problems.append("sent a CONTROL for \(PluginText.quote(target)), an address tend did not ask it "
                                    + "about (it asked about \(address))")
                    return nil
                }
                guard case .object? = message["config"], let config = Value(json: message["config"]!).mapValue else {
                    problems.append("sent a CONTROL for \(address) without a 'config' object")
                    return nil
                }
                control.merge(config) { _, new in new }
                return nil
            default:
                throw .protocolViolation(plugin: name, message: "sent a \(PluginText.quote(type)) message where tend "
                                         + "expected LOG, CONTROL or RESULT for \(address)")
            }
        }
        let status = result["status"]?.stringValue
        guard status == "succeeded" || status == "failed" else {
            throw .protocolViolation(plugin: name, message: "sent a RESULT for \(address) whose status is "
                                     + "\(PluginText.quote(result["status"]?.compact ?? "missing")), not 'succeeded' or 'failed'")
        }
        let outputs = result["outputs"].map { Value(json: $0).mapValue ?? [:] } ?? [:]
        return ApplyAnswer(succeeded: status == "succeeded", outputs: outputs,
                           errorMessage: result["error"]?["message"]?.stringValue,
                           retryable: result["error"]?["retryable"] == .bool(true),
                           control: control, controlProblems: problems)
    }

    /// Closes the plugin's stdin and waits a moment for it to exit; stops it when it does not.
    public func finish() {
        lock.withLock {
            process?.finish()
            process = nil
        }
    }

    // MARK: The exchange

    /// Sends `request` and reads messages until `accept` returns the final one; LOG messages go to `log`. Runs
    /// on a thread of its own: the reads block, and a blocked Dispatch worker would starve other work.
    private func exchange(_ request: JSON, what: String, timeout: Double, log: (@Sendable (String) -> Void)?,
                          accept: @escaping (JSON, String) throws(PluginError) -> JSON?) async throws(PluginError) -> JSON {
        // The work crosses to the reading thread in a box: `accept` gathers CONTROL messages into the caller's
        // variables and is used only there, while the caller waits.
        final class Work: @unchecked Sendable {
            let run: () -> Result<JSON, PluginError>
            init(_ run: @escaping () -> Result<JSON, PluginError>) { self.run = run }
        }
        let work = Work { [self] in
            lock.withLock { () -> Result<JSON, PluginError> in
                do throws(PluginError) {
                    return .success(try exchangeLocked(request, what: what, timeout: timeout, log: log, accept: accept))
                } catch {
                    return .failure(error)
                }
            }
        }
        // Ctrl-C cancels the task after its grace period: the plugin is stopped, which ends the read below.
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<JSON, PluginError>, Never>) in
                Thread.detachNewThread { continuation.resume(returning: work.run()) }
            }
        } onCancel: { [self] in
            if let process = liveLock.withLock({ live }) { Thread.detachNewThread { process.stop() } }
        }
        return try result.get()
    }

    private func exchangeLocked(_ request: JSON, what: String, timeout: Double, log: (@Sendable (String) -> Void)?,
                                accept: (JSON, String) throws(PluginError) -> JSON?) throws(PluginError) -> JSON {
        if let brokenBecause { throw .stopped(plugin: name, because: brokenBecause) }
        let process = try running()
        if let log { process.setStderrSink(log) }
        do throws(PluginError) {
            process.send(request.compact)
            var count = 0
            while true {
                switch process.next(until: Date().addingTimeInterval(timeout)) {
                case .timedOut:
                    throw .timedOut(plugin: name, seconds: timeout, waitingFor: what)
                case .overflow(let problem):
                    throw .tooMuch(plugin: name, what: problem)
                case .ended:
                    let how = process.exitDescription(waitingUpTo: 2) ?? "closed its output"
                    throw .died(plugin: name, how: how, waitingFor: what, stderr: process.stderr)
                case .line(let line):
                    count += 1
                    if count > limits.messagesPerRequest {
                        throw .tooMuch(plugin: name, what: "sent more than \(limits.messagesPerRequest) messages "
                                       + "in answer to \(what)")
                    }
                    guard let message = try? JSON.parse(line), case .object = message,
                          let type = message["type"]?.stringValue else {
                        throw .notJSON(plugin: name, line: line)
                    }
                    if type == "LOG" {
                        let level = message["level"]?.stringValue ?? "info"
                        let text = message["message"]?.stringValue ?? ""
                        log?("plugin \(name) \(TerminalText.escape(PluginText.cut(level, to: 20))): "
                             + TerminalText.escape(PluginText.cut(text, to: 2000)))
                        continue
                    }
                    if let final = try accept(message, type) { return final }
                }
            }
        } catch {
            // Whatever it sends next may belong to this request: the stream no longer lines up with requests, so
            // the plugin is stopped for the rest of the run.
            brokenBecause = error.description
            process.stop()
            self.process = nil
            throw error
        }
    }

    private func running() throws(PluginError) -> PluginProcess {
        if let process { return process }
        var info = stat()
        guard lstat(reference.path, &info) == 0 else {
            let error = PluginError.launchFailed(plugin: name, reason: "'\(TerminalText.escape(reference.path))' does "
                                                 + "not exist; 'plugins:' paths are relative to the config file")
            brokenBecause = error.description
            throw error
        }
        if let problem = PluginTrust.problem(executable: reference.path) {
            let error = PluginError.untrusted(plugin: name, reason: problem)
            brokenBecause = error.description
            throw error
        }
        do throws(PluginError) {
            let started = try PluginProcess(name: name, executable: reference.path, environment: environment,
                                            directory: PathNormalizer.directory(of: reference.path), limits: limits)
            process = started
            liveLock.withLock { live = started }
            return started
        } catch {
            brokenBecause = error.description
            throw error
        }
    }
}
