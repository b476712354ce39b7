import Foundation
import TendCore
import TendResources

extension CommandContext {
    /// Loads the config; when it names plugins, starts them (once per run), adds their types to the engine's
    /// registry, and loads it again so that their resources are checked against the plugins' schemas.
    func loadConfigResult(path: String) -> ConfigLoadResult {
        let first = engine.loadConfig(path: path)
        guard !first.plugins.isEmpty, !engineBox.pluginsLoaded else { return first }
        engineBox.pluginsLoaded = true
        let environment = ProcessInfo.processInfo.environment
        let loaded = PluginTypes.load(first.plugins, known: Set(engine.registry.types.keys).union(engine.registry.libraryNames), environment: environment,
                                      home: host.home, limits: .from(environment: environment))
        engineBox.engine.registry = TypeRegistry(engine.registry.builtins + loaded.types, library: engine.registry.library)
        var result = engine.loadConfig(path: path)
        if !loaded.diagnostics.isEmpty {
            // A type the config uses may be one the broken plugin would have served: say so where it is named.
            for index in result.diagnostics.indices where result.diagnostics[index].message.hasPrefix("unknown type '") {
                result.diagnostics[index].hint = "it may be a type of a plugin tend could not use (see the error at "
                    + "its 'plugins:' entry)"
            }
            result.diagnostics = loaded.diagnostics + result.diagnostics
            result.config = nil
        }
        return result
    }

    /// The schemas of the plugin types registered so far, for `tend types` and `tend schema`.
    var pluginSchemas: [TypeSchema] {
        engine.registry.builtins.compactMap { ($0 as? PluginResourceType)?.schema }
    }
}
