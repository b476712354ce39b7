import TendCore

/// The plugin types of the config given with `-c`, for `tend types` and `tend schema`. Only an explicit `-c`
/// starts plugins: a plain `tend types` stays the same wherever it runs, and never runs a program.
enum PluginSchemaLoader {
    /// The schemas of the config's plugins; problems with the plugins are printed on standard error.
    static func schemas(_ options: ConfigOptions) -> [TypeSchema] {
        guard let path = options.config else { return [] }
        let context = CommandContext(options: options)
        let result = context.loadConfigResult(path: path)
        let pluginProblems = result.diagnostics.filter { $0.message.hasPrefix("plugin ") }
        if !pluginProblems.isEmpty {
            let renderer = DiagnosticRenderer(sources: result.sources, color: options.color(for: .standardError))
            Terminal.write(renderer.render(pluginProblems), to: .standardError)
        }
        return context.pluginSchemas
    }
}
