/// A type whose resources the engine adds by itself, from what the config declares (tend's shell hook follows
/// from the alias, env and path resources); a config cannot name such a type, so the loader's catalog leaves it out.
public protocol ImpliedResourceType: ApplyingResourceType {
    /// The resources `declared` (a config's active resources) imply on `host`, each with a unique address.
    /// Reads files at most; starts no process, and must give the same answer for the same host and config.
    func impliedResources(by declared: [ResourceSpec], host: Machine) -> [ResourceSpec]
}
