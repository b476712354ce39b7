import Foundation
import TendCore

/// The declarative types tend can load: the shipped definitions compiled into the binary and the user's
/// `$XDG_CONFIG_HOME/tend/types/NAME.yaml`. Knows every name from the shipped table and one listing of the
/// user's folder; parses a definition only the first time its type is asked for, and then keeps it.
///
/// A user file replaces a shipped definition of the same name; one named like a Swift type is refused (the Swift
/// type stays). A user file in a folder another user could change is refused, as OpenSSH's StrictModes would.
public final class DefinitionLibrary: TypeLibrary, @unchecked Sendable {
    /// The largest definition file read: 1 MiB.
    static let sizeLimit = 1 << 20

    private let shipped: [String: String]
    /// User definition files by type name.
    private let userFiles: [String: String]
    private let builtinNames: Set<String>
    /// Why the user folder cannot be trusted, when it cannot.
    private let folderDistrust: String?
    /// User files left out by name (a Swift type's name, a name no type can have), with why.
    public let ignoredFiles: [Diagnostic]

    private let lock = NSLock()
    private var loaded: [String: Result<DeclarativeType, DefinitionProblems>] = [:]
    private var parses = 0

    /// `userDirectory` nil reads only the shipped definitions.
    public init(shipped: [String: String] = ShippedDefinitions.all, userDirectory: String?,
                builtinNames: Set<String>) {
        self.shipped = shipped
        self.builtinNames = builtinNames
        var files: [String: String] = [:]
        var ignored: [Diagnostic] = []
        var distrust: String?
        if let userDirectory {
            let names = Self.yamlFiles(in: userDirectory)
            if !names.isEmpty { distrust = FolderTrust.distrust(userDirectory) }
            for fileName in names {
                let name = String(fileName.dropLast(".yaml".count))
                let path = userDirectory + "/" + fileName
                if builtinNames.contains(name) {
                    ignored.append(.error("'\(name)' is a built-in type of tend; the definition is ignored",
                                          at: SourceLocation(file: path, mark: .start),
                                          hint: "rename the file and its 'name:' to give the type another name"))
                } else if !DefinitionLoader.isTypeName(name) {
                    ignored.append(.error("\(Value.string(fileName)) is not a type name (lowercase letters, digits "
                                          + "and '-'); the file is ignored",
                                          at: SourceLocation(file: path, mark: .start)))
                } else {
                    files[name] = path
                }
            }
        }
        userFiles = files
        ignoredFiles = ignored
        folderDistrust = distrust
    }

    /// The library for this user: the shipped definitions and `CONFIG_HOME/tend/types/`.
    public static func forUser(configHome: String, builtinNames: Set<String>) -> DefinitionLibrary {
        DefinitionLibrary(userDirectory: configHome + "/tend/types", builtinNames: builtinNames)
    }

    public var typeNames: [String] {
        Set(shipped.keys).union(userFiles.keys).subtracting(builtinNames).sorted()
    }

    public func type(named name: String) -> (any ResourceType)? {
        guard case .success(let type)? = load(name) else { return nil }
        return type
    }

    public func problems(named name: String) -> [Diagnostic] {
        guard case .failure(let problems)? = load(name) else { return [] }
        return problems.diagnostics
    }

    /// Where the definition of `name` comes from, without reading it; nil for a name the library lacks.
    public func origin(of name: String) -> DefinitionOrigin? {
        if let path = userFiles[name] { return .user(path: path, replacesShipped: shipped[name] != nil) }
        return shipped[name] != nil && !builtinNames.contains(name) ? .shipped : nil
    }

    /// How many definitions have been parsed so far (a plan parses only those its config uses).
    public var parseCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return parses
    }

    private func load(_ name: String) -> Result<DeclarativeType, DefinitionProblems>? {
        guard !builtinNames.contains(name), let origin = origin(of: name) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        if let done = loaded[name] { return done }
        let result = read(name, origin: origin)
        loaded[name] = result
        return result
    }

    private func read(_ name: String, origin: DefinitionOrigin) -> Result<DeclarativeType, DefinitionProblems> {
        let file: String
        let text: String
        switch origin {
        case .shipped:
            file = "resources/types/\(name).yaml"
            text = shipped[name]!
        case .user(let path, _):
            file = path
            if let folderDistrust {
                return .failure(DefinitionProblems(diagnostics: [.error(
                    "the definition is not read: \(folderDistrust)", at: SourceLocation(file: path, mark: .start),
                    hint: "make the folder writable only by you (chmod go-w), or move the definition")]))
            }
            do {
                text = try FolderTrust.readDefinition(path, limit: Self.sizeLimit)
            } catch {
                return .failure(DefinitionProblems(diagnostics: [.error(
                    "\(error)", at: SourceLocation(file: path, mark: .start))]))
            }
        }
        parses += 1
        return DefinitionLoader.load(text, file: file, expectedName: name, reservedNames: builtinNames)
            .map { DeclarativeType(definition: $0, origin: origin) }
    }

    /// `*.yaml` names in `directory`, sorted; none when it is missing or unreadable.
    static func yamlFiles(in directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name.hasSuffix(".yaml"), name.count > ".yaml".count, !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }
}
