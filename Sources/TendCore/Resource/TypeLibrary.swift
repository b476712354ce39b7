/// Resource types known by name before they are read: declarative definitions, each parsed the first time a
/// config (or `tend types`, `tend schema`) asks for it, so that a config using three types reads three.
///
/// Implementations are safe to call from any task and load each name at most once; a name whose definition is
/// broken stays known (so the config's error names the definition, not "unknown type") and yields no type.
public protocol TypeLibrary: AnyObject, Sendable {
    /// Every name the library can load, sorted; listing it reads no definition.
    var typeNames: [String] { get }
    /// The type, loading its definition on first use; nil for an unknown name or a broken definition.
    func type(named name: String) -> (any ResourceType)?
    /// Why the definition of `name` cannot be used, each with its file and position; empty when it loads.
    func problems(named name: String) -> [Diagnostic]
}
