import TendCore

/// Starts the plugins a config names and turns their SPECs into resource types. Plugins start only here, when
/// a config names them, and each once: the same process then serves every refresh and change of the run.
public enum PluginTypes {
    /// The types of every plugin in `references`, and a diagnostic at its `plugins:` entry for each plugin that
    /// cannot be used (not safe to run, does not start, a bad SPEC, a type name tend or another plugin has).
    public static func load(_ references: [PluginReference], known: Set<String>, environment: [String: String],
                            home: String, limits: PluginLimits) -> (types: [PluginResourceType], diagnostics: [Diagnostic]) {
        var types: [PluginResourceType] = []
        var diagnostics: [Diagnostic] = []
        var taken: [String: String] = Dictionary(uniqueKeysWithValues: known.map { ($0, "tend") })
        var seen = Set<String>()
        let pluginEnvironment = PluginClient.environment(from: environment, home: home)
        for reference in references where seen.insert(reference.path).inserted {
            let client = PluginClient(reference: reference, environment: pluginEnvironment, limits: limits)
            let specs: [PluginTypeSpec]
            do {
                specs = try client.spec()
            } catch {
                diagnostics.append(.error(error.description, at: reference.location, hint: hint(for: error)))
                continue
            }
            for spec in specs {
                let name = spec.schema.name
                if let owner = taken[name] {
                    let by = owner == "tend" ? "tend's own type" : "the plugin \(owner)"
                    diagnostics.append(.error("plugin \(reference.name) declares type '\(name)', which is already "
                                              + by, at: reference.location,
                                              hint: "rename the type in the plugin, or name only one of the plugins"))
                    continue
                }
                taken[name] = reference.name
                types.append(PluginResourceType(schema: spec.schema, client: client))
            }
        }
        return (types, diagnostics)
    }

    private static func hint(for error: PluginError) -> String? {
        switch error {
        case .untrusted: return "tend runs plugins as the user running it, often root; only root and that user may be able to change them"
        case .launchFailed(_, let reason) where reason.hasSuffix("relative to the config file"):
            return "correct the path, or remove the entry"
        case .launchFailed: return "check the first line (#!) of the plugin and that its interpreter is installed"
        case .timedOut: return "the plugin must answer {\"type\":\"SPEC\"} with one line; see examples/plugins/README.md"
        default: return "see DESIGN section 5 or examples/plugins/README.md for the protocol"
        }
    }
}
