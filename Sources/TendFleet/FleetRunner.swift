import Foundation
import TendCore

/// Runs `tend plan` or `tend apply` on many hosts: per host one ssh master connection, the version check, the
/// bundle shipped, the host's own tend run with its progress streamed back, and the connection closed. Hosts
/// run in parallel up to `parallel`; one host's failure is that host's outcome and never stops the others.
public struct FleetRunner: Sendable {
    public enum Action: Sendable { case plan, apply }

    public var action: Action
    public var bundle: FleetBundle
    /// This tend's version: hosts must run the same.
    public var version: String
    public var parallel: Int
    /// `-F FILE` for ssh; nil uses the user's own ssh config.
    public var sshConfig: String?
    public var environment: [String: String]
    /// Receives each line of progress with the name of its host.
    public var show: @Sendable (_ host: String, _ line: String) -> Void

    public init(action: Action, bundle: FleetBundle, version: String, parallel: Int = 8, sshConfig: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                show: @escaping @Sendable (String, String) -> Void) {
        self.action = action
        self.bundle = bundle
        self.version = version
        self.parallel = max(1, parallel)
        self.sshConfig = sshConfig
        self.environment = environment
        self.show = show
    }

    /// One outcome per host, in the order given.
    public func run(_ hosts: [FleetHost]) async throws -> [HostOutcome] {
        let control = try PrivateDirectory.make(purpose: "fleet", environment: environment)
        defer { control.remove() }
        return await withTaskGroup(of: (Int, HostOutcome).self) { group in
            var outcomes = [HostOutcome?](repeating: nil, count: hosts.count)
            var next = 0
            while next < min(parallel, hosts.count) {
                let index = next
                group.addTask { (index, await self.run(hosts[index], controlPath: control.path + "/h\(index)")) }
                next += 1
            }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                if next < hosts.count {
                    let index = next
                    group.addTask { (index, await self.run(hosts[index], controlPath: control.path + "/h\(index)")) }
                    next += 1
                }
            }
            return outcomes.compactMap { $0 }
        }
    }

    private func run(_ host: FleetHost, controlPath: String) async -> HostOutcome {
        let started = ContinuousClock.now
        func seconds() -> Double {
            let elapsed = ContinuousClock.now - started
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        let connection = SSHConnection(destination: host.destination, controlPath: controlPath, configFile: sshConfig,
                                       environment: environment)
        do {
            try await connection.open()
        } catch {
            show(host.name, error.description.replacingOccurrences(of: "\(host.destination): ", with: ""))
            return HostOutcome(host: host.name, result: .unreachable, duration: seconds(),
                               message: error.description)
        }
        var outcome: HostOutcome
        do {
            outcome = try await session(host, connection)
        } catch {
            show(host.name, error.description.replacingOccurrences(of: "\(host.name): ", with: ""))
            switch error {
            case .remoteTend: outcome = HostOutcome(host: host.name, result: .noTend, message: error.description)
            case .connection: outcome = HostOutcome(host: host.name, result: .unreachable, message: error.description)
            default: outcome = HostOutcome(host: host.name, result: .failed, message: error.description)
            }
        }
        await connection.close()
        outcome.duration = seconds()
        return outcome
    }

    private func session(_ host: FleetHost, _ connection: SSHConnection) async throws(FleetError) -> HostOutcome {
        let program = try await RemoteTend.find(on: connection, hostName: host.name, version: version)
        let shipped = try await connection.run(["sh", "-c", RemoteLayout.shipScript, "sh", RemoteLayout.root],
                                               input: try bundle.archive(for: host), timeout: 600)
        guard shipped.succeeded else {
            throw .bundle("\(host.name): could not unpack the bundle in ~/\(RemoteLayout.root): " + shipped.tail(lines: 3))
        }
        let previous = shipped.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let outcome = try await runTend(program, host, connection)
        if RemoteLayout.isRunDirectory(previous) {
            _ = try? await connection.run(["rm", "-rf", "--", RemoteLayout.root + "/" + previous], timeout: 120)
        }
        return outcome
    }

    private func runTend(_ program: String, _ host: FleetHost, _ connection: SSHConnection) async throws(FleetError) -> HostOutcome {
        let groups = WhenCondition.groupsVariable + "=" + host.groups.joined(separator: ",")
        switch action {
        case .apply:
            let events = ApplyEvents(host: host.name, show: show)
            let result = try await connection.run(
                ["env", groups, program, "apply", "--yes", "--progress", "json", "-c", RemoteLayout.hostFile],
                timeout: nil, onLine: { events.take($0) })
            return events.outcome(exitStatus: result.status, errorTail: result.tail(lines: 4))
        case .plan:
            let result = try await connection.run(
                ["env", groups, program, "plan", "--format", "json", "-c", RemoteLayout.hostFile], timeout: nil)
            guard result.succeeded, let plan = try? JSON.parse(result.output) else {
                let reason = result.tail(lines: 4)
                show(host.name, "plan failed: " + reason)
                return HostOutcome(host: host.name, result: .failed, message: "plan failed: " + reason)
            }
            let changes = plan["changes"]?.arrayValue ?? []
            for change in changes {
                let operation = change["operation"]?.stringValue ?? "?"
                show(host.name, "\(operation) \(change["address"]?.stringValue ?? "?"): \(change["message"]?.stringValue ?? "")")
            }
            show(host.name, changes.isEmpty ? "in sync" : "\(changes.count) change\(changes.count == 1 ? "" : "s") pending")
            return HostOutcome(host: host.name, result: changes.isEmpty ? .converged : .drifted, changes: changes.count)
        }
    }
}
