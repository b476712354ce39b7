/// `tend import --merge FILE`: what the host has that the config does not declare, added to the file's text.
public struct ImportMerge: Sendable {
    /// The file's text as read.
    public var before: String
    /// The text with the new resources added; equal to `before` when nothing is missing.
    public var after: String
    /// What was added, per type.
    public var added: [ImportedType]

    public var count: Int { added.reduce(0) { $0 + $1.resources.count } }

    /// Adds to `text` (the root config `config` was loaded from) every resource of `found` whose address the
    /// config does not declare anywhere (in any include, under any `when`).
    public init(text: String, path: String, config: Config, found: [ImportedType], home: String) throws {
        let declared = Set(config.allResources.map(\.address))
        added = found.map { type in
            type.filtered { resource in
                guard let address = type.address(of: resource, home: home) else { return false }
                return !declared.contains(address)
            }
        }.filter { !$0.resources.isEmpty }
        before = text
        let added = self.added
        after = added.isEmpty ? text : try ConfigMerge.appending(to: text, path: path) { indent in
            try ImportWriter.items(added, indent: indent)
        }
    }
}
