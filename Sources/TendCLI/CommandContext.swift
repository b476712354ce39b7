import ArgumentParser
import Foundation
import TendCore
import TendResources

/// What a command that works on the host needs: the machine, the engine over every type, and one way
/// to report errors (a message on standard error, exit 1, never a stack trace).
struct CommandContext {
    /// Nil for commands that read no config (history, report, state).
    let options: ConfigOptions?
    let host: Machine
    let engine: Engine

    init(options: ConfigOptions?, runner: (any ProcessRunner)? = nil) {
        self.options = options
        let facts = HostFacts.current()
        let host = Machine(facts: facts, runner: runner ?? SystemProcessRunner(baseEnvironment: facts.environment),
                           isRoot: geteuid() == 0)
        self.host = host
        // Declarative types are only named here; each definition is read when a config uses its type.
        self.engine = Engine(registry: DeclarativeTypes.registry(configHome: host.configHome), host: host)
    }

    /// The config, after printing its diagnostics; nil when it has errors.
    func loadConfig() -> Config? {
        guard let options else { return nil }
        let path = options.configPath()
        let result = engine.loadConfig(path: path)
        if !result.diagnostics.isEmpty {
            // A declarative type's definition is not a config file: its lines are read here, for the caret.
            var sources = result.sources
            let files = Set(result.diagnostics.compactMap(\.location?.file))
            for file in files where sources[file] == nil && file.hasPrefix("/") {
                if let bytes = try? RegularFileReader.read(file, limit: RegularFileReader.configLimit) {
                    sources[file] = String(decoding: bytes, as: UTF8.self)
                }
            }
            let renderer = DiagnosticRenderer(sources: sources, color: options.color(for: .standardError))
            Terminal.write(renderer.render(result.diagnostics), to: .standardError)
            let errors = result.diagnostics.filter { $0.severity == .error }.count
            if errors > 0 {
                Terminal.write("\(errors) error\(errors == 1 ? "" : "s") in \(TerminalText.escape(path))\n",
                               to: .standardError)
            }
        }
        return result.config
    }

    /// Prints what the plan found apply would refuse, as `validate` prints config errors (with the source line,
    /// read again: the loader's copy is gone by now).
    private func reportProblems(_ diagnostics: [Diagnostic], color: Bool) {
        var sources: [String: String] = [:]
        for name in Set(diagnostics.compactMap(\.location?.file)) where FileSystem().status(name)?.kind == .file {
            sources[name] = FileManager.default.contents(atPath: name).map { String(decoding: $0, as: UTF8.self) }
        }
        Terminal.write(DiagnosticRenderer(sources: sources, color: color).render(diagnostics), to: .standardError)
        let path = options?.configPath() ?? "the config"
        let count = diagnostics.count
        Terminal.write("\(count) error\(count == 1 ? "" : "s") in \(path), found while planning; nothing was changed\n",
                       to: .standardError)
    }

    /// Runs `body`, turning engine errors into a message and exit status 1.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            fail(error)
        }
    }

    func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            fail(error)
        }
    }

    func fail(_ error: any Error) -> Never {
        // Ctrl-C while waiting for the lock ends the command as Ctrl-C ends any other: status 130.
        var status: Int32 = 1
        if case StateError.lockWaitInterrupted? = error as? StateError { status = 130 }
        let color = options?.color(for: .standardError) ?? Terminal.wantsColor(.standardError)
        if let problems = error as? PlanProblems {
            reportProblems(problems.diagnostics, color: color)
            Foundation.exit(1)
        }
        let label = color ? "\u{1B}[1;31merror:\u{1B}[0m" : "error:"
        // Errors quote values and paths; their control characters are shown as escapes.
        Terminal.write("tend: \(label) \(TerminalText.escapeLines("\(error)"))\n", to: .standardError)
        Foundation.exit(status)
    }
}

/// A command's own failure, printed as `tend: error: ...` (no usage text: the arguments were fine).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
