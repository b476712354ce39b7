import Foundation
import TendCore

/// `script`: anything the user's own shell text can check and do.
///
/// Refresh runs each resource's `check` as `SHELL -c CHECK` (the user's text as written: the only shell text tend
/// runs), in the directory of the config file that declared it, with the resource's `environment` added, for at
/// most the resource's `timeout` (60 seconds by default). Exit 0 means present. Checks of different resources
/// run concurrently, `concurrency` at a time.
public struct ScriptResource: ApplyingResourceType {
    /// How many checks run at once.
    public var concurrency: Int
    /// Seconds a check may run when the resource sets no `timeout`.
    public var defaultTimeout: Double

    public init(concurrency: Int = 4, defaultTimeout: Double = 60) {
        self.concurrency = max(1, concurrency)
        self.defaultTimeout = defaultTimeout
    }

    public var schema: TypeSchema { BuiltinSchemas.script }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        try await withThrowingTaskGroup(of: (Address, Observation).self) { group in
            var pending = resources.makeIterator()
            func startNext() {
                guard let resource = pending.next() else { return }
                group.addTask { (resource.address, try await check(resource, host: host)) }
            }
            for _ in 0..<concurrency { startNext() }
            while let (address, observation) = try await group.next() {
                observations[address] = observation
                startNext()
            }
        }
        return observations
    }

    /// Runs one resource's check; only cancellation (Ctrl-C) throws.
    func check(_ resource: ResourceSpec, host: Machine) async throws -> Observation {
        guard let text = resource.parameters["check"]?.stringValue else { return .absent("no check to run") }
        let shell = resource.parameters["shell"]?.stringValue
            ?? schema.parameter("shell")?.defaultValue?.stringValue ?? "/bin/sh"
        let environment = (resource.parameters["environment"]?.mapValue ?? [:]).mapValues(\.text)
        let timeout = resource.timeout ?? defaultTimeout
        guard host.files.status(resource.baseDirectory)?.kind != nil else {
            return .absent("could not run check: its directory \(resource.baseDirectory) does not exist")
        }
        let command = Command([shell, "-c", text], environment: environment,
                              workingDirectory: resource.baseDirectory, timeout: timeout)
        do {
            let result = try await host.runner.run(command)
            if result.succeeded { return .present([:]) }
            if result.signaled { return .absent("check was killed by signal \(result.status - 128)") }
            return .absent("check exited \(result.status)")
        } catch CommandError.timedOut(_, let seconds, _) {
            return .absent("check timed out after \(Self.format(seconds))")
        } catch CommandError.launchFailed(_, let reason) {
            return .absent("could not run check: \(reason)")
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let id = resource.address.key
        switch operation {
        case .create: return "Run script \(id) (create)"
        case .modify: return "Run script \(id) (modify)"
        case .recreate: return "Run script \(id) (destroy, then create)"
        case .destroy: return "Run script \(id) (destroy)"
        case .release: return "Stop managing script \(id) (left as it is)"
        }
    }
}
