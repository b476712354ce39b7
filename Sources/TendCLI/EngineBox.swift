import TendCore

/// The engine a command uses; a reference so that plugin types found while loading the config reach every
/// later use of the context.
final class EngineBox: @unchecked Sendable {
    var engine: Engine
    /// True once the config's plugins were started and their types registered.
    var pluginsLoaded = false

    init(_ engine: Engine) {
        self.engine = engine
    }
}
