import Foundation
import TendCore
import TendResources

/// Loads the config for a command and prints its diagnostics the way every command does.
enum ConfigReport {
    /// The loaded config, after printing warnings and errors to standard error; nil when there were errors.
    static func load(_ options: ConfigOptions, host: HostFacts = .current()) -> (path: String, result: ConfigLoadResult) {
        let path = options.configPath()
        let loader = ConfigLoader(catalog: BuiltinSchemas.catalog, host: host)
        let result = loader.load(path: path)
        if !result.diagnostics.isEmpty {
            let renderer = DiagnosticRenderer(sources: result.sources, color: options.color(for: .standardError))
            Terminal.write(renderer.render(result.diagnostics), to: .standardError)
            let errors = result.diagnostics.filter { $0.severity == .error }.count
            if errors > 0 {
                Terminal.write("\(errors) error\(errors == 1 ? "" : "s") in \(path)\n", to: .standardError)
            }
        }
        return (path, result)
    }
}
