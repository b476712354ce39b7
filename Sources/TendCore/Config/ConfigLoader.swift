import Foundation
import TendYAML

/// The outcome of loading a config: the config when there were no errors, every diagnostic, and the text of
/// every file read (for the source lines under diagnostics).
public struct ConfigLoadResult: Sendable {
    public var config: Config?
    public var diagnostics: [Diagnostic]
    public var sources: [String: String]
    /// The `plugins:` entries of every file read, even when there were errors: their types decide what is valid.
    public var plugins: [PluginReference] = []

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Loads a config file and its includes, decodes every resource against the schema catalog, and checks the
/// whole: all problems of all files are collected and reported together; nothing here touches the host.
public struct ConfigLoader: Sendable {
    /// What to do without a config. An installed tend has no examples/ directory, and no `tend init` yet, so
    /// the hint points at what every tend has: its own list of types, each with an example.
    static let firstConfigHint = "pass one with -c FILE, or write ./tend.yaml starting with 'tend: 1' and a "
        + "'resources:' list; 'tend types' lists the resource types and 'tend types TYPE' shows an example of one"

    public static let formatVersion = 1
    static let topLevelKeys = ["tend", "include", "vars", "resources", "plugins", "report_to"]

    public var catalog: SchemaCatalog
    public var host: HostFacts
    /// The directory relative config paths are read from.
    public var workingDirectory: String

    public init(catalog: SchemaCatalog, host: HostFacts,
                workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.catalog = catalog
        self.host = host
        self.workingDirectory = workingDirectory
    }

    /// Loads the config at `path` (as the user wrote it; diagnostics use that spelling).
    public func load(path: String) -> ConfigLoadResult {
        let session = LoadSession(loader: self)
        return session.run(rootPath: path)
    }

    /// Loads a config from text, as if read from `path`; used by tests and by `tend import`'s round trip.
    public func load(text: String, path: String) -> ConfigLoadResult {
        let session = LoadSession(loader: self)
        session.overrides[absolute(path)] = Array(text.utf8)
        return session.run(rootPath: path)
    }

    func absolute(_ path: String) -> String {
        PathNormalizer.absolute(path, home: host.home, base: workingDirectory)
    }
}

/// One file of the config as read: its name for messages, its absolute path, and its parsed document.
struct LoadedFile {
    var name: String
    var absolutePath: String
    var root: Node
    /// The directory relative paths in the file are resolved against.
    var directory: String

    init(name: String, absolutePath: String, root: Node) {
        self.name = name
        self.absolutePath = absolutePath
        self.root = root
        self.directory = PathNormalizer.directory(of: absolutePath)
    }
}

/// A resource mapping waiting to be decoded, with the file it came from.
struct RawResource {
    var node: Node
    var file: LoadedFile
}

/// The mutable work of one load: files read, diagnostics found, and the pieces gathered from every file.
/// Not thread-safe: each thread works in its own session (see `decodeAll`).
final class LoadSession: @unchecked Sendable {
    let loader: ConfigLoader
    var overrides: [String: [UInt8]] = [:]
    var diagnostics: [Diagnostic] = []
    var sources: [String: String] = [:]
    var files: [LoadedFile] = []
    var loadedPaths: Set<String> = []
    let digest = ConfigDigester()
    var rawVariables: [(name: String, node: Node, file: LoadedFile)] = []
    var rawResources: [RawResource] = []
    var pluginPaths: [String] = []
    var pluginReferences: [PluginReference] = []
    var reportTo: String?
    var variables: [String: Value] = [:]
    /// Variables being resolved, outermost first: the path of a loop between them.
    var resolvingVariables: [String] = []
    /// Addresses of resources that were declared but had errors, and types with a resource whose key could not
    /// be read: references to them get no second "does not declare" error.
    var undecodedAddresses: Set<Address> = []
    var typesWithUndecodedKeys: Set<String> = []
    var variableNodes: [String: (node: Node, file: LoadedFile)] = [:]
    /// The graph over the active resources, built by the checks and kept for the planner.
    var dependencyGraph: DependencyGraph?

    init(loader: ConfigLoader) {
        self.loader = loader
    }

    var host: HostFacts { loader.host }

    func error(_ message: String, _ file: LoadedFile, _ mark: Mark, hint: String? = nil) {
        diagnostics.append(.error(message, at: SourceLocation(file: file.name, mark: mark), hint: hint))
    }

    func run(rootPath: String) -> ConfigLoadResult {
        let absoluteRoot = loader.absolute(rootPath)
        loadFile(name: rootPath, absolutePath: absoluteRoot, chain: [], includedFrom: nil, isRoot: true)
        resolveVariables()
        let resources = decodeAll()
        checkResources(resources)
        sortDiagnostics()
        var config: Config?
        if diagnostics.contains(where: { $0.severity == .error }) || files.isEmpty {
            config = nil
        } else {
            config = Config(rootPath: absoluteRoot, files: files.map(\.name),
                            digest: digest.finish(),
                            variables: variables, allResources: resources, plugins: pluginPaths)
            config?.dependencyGraph = dependencyGraph
            config?.reportTo = reportTo
        }
        return ConfigLoadResult(config: config, diagnostics: diagnostics, sources: sources, plugins: pluginReferences)
    }

    /// Decodes every resource; a large config is split in two halves decoded on two threads, the second by a
    /// worker session that shares this one's resolved variables and reports into its own diagnostics. The
    /// split depends on the config alone, not on the machine's cores, so every machine runs the same code.
    private func decodeAll() -> [ResourceSpec] {
        guard rawResources.count >= 400 else {
            return rawResources.flatMap(decodeResource)
        }
        let half = rawResources.count / 2
        let worker = LoadSession(loader: loader)
        worker.variables = variables
        worker.variableNodes = variableNodes
        let secondHalf = Array(rawResources[half...])
        final class Box: @unchecked Sendable { var resources: [ResourceSpec] = [] }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.resources = secondHalf.flatMap(worker.decodeResource)
            done.signal()
        }
        let first = rawResources[..<half].flatMap(decodeResource)
        done.wait()
        diagnostics += worker.diagnostics
        undecodedAddresses.formUnion(worker.undecodedAddresses)
        typesWithUndecodedKeys.formUnion(worker.typesWithUndecodedKeys)
        return first + box.resources
    }

    /// Files in load order, each file's problems by position; problems with no place first.
    private func sortDiagnostics() {
        let fileOrder = Dictionary(files.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        diagnostics = diagnostics.enumerated().sorted { a, b in
            func key(_ d: Diagnostic) -> (Int, Int, Int) {
                guard let location = d.location else { return (-1, 0, 0) }
                return (fileOrder[location.file] ?? Int.max, location.mark.line, location.mark.column)
            }
            let (ka, kb) = (key(a.element), key(b.element))
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element)
    }

    // MARK: Files and includes

    /// A config file's bytes: a regular file of at most `RegularFileReader.configLimit` bytes.
    private func readBytes(_ absolutePath: String) throws(RegularFileError) -> [UInt8] {
        if let bytes = overrides[absolutePath] { return bytes }
        return try RegularFileReader.read(absolutePath, limit: RegularFileReader.configLimit)
    }

    private func loadFile(name: String, absolutePath: String, chain: [(name: String, path: String)],
                          includedFrom: SourceLocation?, isRoot: Bool) {
        if let cycleStart = chain.firstIndex(where: { $0.path == absolutePath }) {
            let names = chain[cycleStart...].map(\.name) + [name]
            diagnostics.append(.error("include cycle: " + names.joined(separator: " -> "), at: includedFrom,
                                      hint: "remove one of these includes"))
            return
        }
        guard !loadedPaths.contains(absolutePath) else { return }
        let bytes: [UInt8]
        do {
            bytes = try readBytes(absolutePath)
        } catch .missing {
            if let includedFrom {
                diagnostics.append(.error("included file '\(name)' not found", at: includedFrom,
                                          hint: "include paths are relative to the file that includes them"))
            } else {
                diagnostics.append(.error("config file '\(name)' not found", at: nil,
                                          hint: ConfigLoader.firstConfigHint))
            }
            return
        } catch {
            let what = includedFrom == nil ? "config file " : "included file "
            diagnostics.append(.error(what + error.showing("'\(name)'").description, at: includedFrom,
                                      hint: "a config file must be a regular file of at most "
                                          + "\(RegularFileReader.configLimit >> 20) MiB"))
            return
        }
        loadedPaths.insert(absolutePath)
        sources[name] = String(decoding: bytes, as: UTF8.self)
        digest.add(path: absolutePath, bytes: bytes)
        let document: Node?
        do {
            document = try Parser().parse(bytes: bytes)
        } catch let error as YAMLError {
            diagnostics.append(.error(error.message, at: SourceLocation(file: name, mark: error.mark),
                                      hint: Self.hint(for: error)))
            return
        } catch {
            diagnostics.append(.error("\(error)", at: SourceLocation(file: name, mark: .start)))
            return
        }
        guard let root = document, !root.isNull else {
            diagnostics.append(.error("the config file is empty", at: SourceLocation(file: name, mark: .start),
                                      hint: "start with 'tend: 1' and a 'resources:' list; 'tend types TYPE' shows an example of each type"))
            return
        }
        let file = LoadedFile(name: name, absolutePath: absolutePath, root: root)
        guard let pairs = root.mapping else {
            error("the top level of a config must be a mapping, found \(root.kindDescription)", file, root.mark,
                  hint: "write 'tend: 1', then 'resources:' with a list of resources")
            return
        }
        files.append(file)
        checkDuplicateKeys(pairs, file)
        var sawVersion = false
        // Includes first, so that this file's vars override theirs and their resources come first.
        let ordered = pairs.filter { $0.key.scalar?.value == "include" } + pairs.filter { $0.key.scalar?.value != "include" }
        for pair in ordered {
            guard let key = pair.key.scalar?.value else {
                error("top-level keys must be strings", file, pair.key.mark)
                continue
            }
            switch key {
            case "tend":
                sawVersion = true
                checkVersion(pair.value, file)
            case "include":
                for item in stringItems(pair.value, file, what: "include") {
                    let includeName = PathNormalizer.standardize(
                        PathNormalizer.directory(of: name) + "/" + PathNormalizer.expandTilde(item.text, home: host.home))
                    let displayName = item.text.hasPrefix("/") || item.text.hasPrefix("~")
                        ? PathNormalizer.expandTilde(item.text, home: host.home) : includeName
                    let includePath = PathNormalizer.absolute(item.text, home: host.home,
                                                              base: PathNormalizer.directory(of: absolutePath))
                    loadFile(name: displayName, absolutePath: includePath,
                             chain: chain + [(name, absolutePath)],
                             includedFrom: SourceLocation(file: name, mark: item.mark), isRoot: false)
                }
            case "vars":
                guard let varPairs = pair.value.mapping else {
                    if !pair.value.isNull {
                        error("'vars' must be a mapping of names to values, found \(pair.value.kindDescription)",
                              file, pair.value.mark)
                    }
                    continue
                }
                checkDuplicateKeys(varPairs, file)
                for varPair in varPairs {
                    guard let varName = varPair.key.scalar?.value else { continue }
                    rawVariables.append((varName, varPair.value, file))
                }
            case "resources":
                if pair.value.isNull { continue }
                guard let items = pair.value.sequence else {
                    error("'resources' must be a list, found \(pair.value.kindDescription)", file, pair.value.mark,
                          hint: "write each resource as a list item starting with '- type: ...'")
                    continue
                }
                for item in items {
                    rawResources.append(RawResource(node: item, file: file))
                }
            case "plugins":
                for item in stringItems(pair.value, file, what: "plugins") {
                    pluginPaths.append(PathNormalizer.absolute(item.text, home: host.home,
                                                               base: PathNormalizer.directory(of: absolutePath)))
                    pluginReferences.append(PluginReference(path: pluginPaths.last!,
                                                            location: SourceLocation(file: file.name, mark: item.mark)))
                }
            case "report_to":
                // Includes load first: the root file's URL wins over an included one.
                guard let scalar = pair.value.scalar, !pair.value.isNull,
                      scalar.value.hasPrefix("postgres://") || scalar.value.hasPrefix("postgresql://") else {
                    error("'report_to' must be a postgres:// URL", file, pair.value.mark,
                          hint: "write report_to: postgres://USER@HOST/DATABASE, with the password in ~/.pgpass")
                    continue
                }
                reportTo = scalar.value
            default:
                error("unknown top-level key '\(key)'" + Suggestion.phrase(for: key, in: ConfigLoader.topLevelKeys),
                      file, pair.key.mark, hint: "a config has tend, include, vars, resources, plugins and report_to")
            }
        }
        if isRoot && !sawVersion {
            error("missing format version", file, root.mark,
                  hint: "add 'tend: \(ConfigLoader.formatVersion)' as the first line")
        }
    }

    private static func hint(for error: YAMLError) -> String? {
        switch error {
        case .invalidUTF8: return "save the file as UTF-8"
        case .tooDeep: return "flatten the structure; tend configs need only a few levels"
        case .tooLarge: return "aliases that refer to aliases multiply; expand fewer of them"
        case .undefinedAlias: return "define the anchor with '&name' before using '*name'"
        case .multipleDocuments: return "remove the '---' separator, or move the second document to an included file"
        case .syntax(let message, _):
            if message.hasPrefix("unterminated quoted string") { return "close the string with the same quote" }
            if message.contains("tabs cannot indent") || message.contains("tab character") {
                return "replace the tab with spaces (most editors can convert a file's tabs to spaces)"
            }
            return nil
        default: return nil
        }
    }

    private func checkVersion(_ node: Node, _ file: LoadedFile) {
        let supported = ConfigLoader.formatVersion
        if let scalar = node.scalar, case .int(let version) = ScalarResolution.resolve(scalar, tag: node.tag),
           version == supported {
            return
        }
        let shown = node.scalar.map { "'\($0.value)'" } ?? node.kindDescription
        if let scalar = node.scalar, scalar.style != .plain, Int(scalar.value) == supported {
            error("the format version is a number, found the quoted string \(shown)", file, node.mark,
                  hint: "remove the quotes: 'tend: \(supported)'")
            return
        }
        error("unsupported format version \(shown); this tend reads version \(supported)", file, node.mark,
              hint: "write 'tend: \(supported)'")
    }

    /// Duplicate keys in one mapping are an error YAML parsers let through; the later one would win silently.
    func checkDuplicateKeys(_ pairs: [Pair], _ file: LoadedFile) {
        guard pairs.count > 1 else { return }
        func report(_ key: String, first: Mark, again: Mark) {
            error("duplicate key '\(key)' (first written at \(first.line):\(first.column))", file, again,
                  hint: "remove one of them")
        }
        // A resource has a handful of keys: comparing each with those before it beats hashing them.
        guard pairs.count > 16 else {
            for (index, pair) in pairs.enumerated() {
                guard let key = pair.key.scalar?.value else { continue }
                if let first = pairs[..<index].first(where: { $0.key.scalar?.value == key }) {
                    report(key, first: first.key.mark, again: pair.key.mark)
                }
            }
            return
        }
        var seen: [String: Mark] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar?.value else { continue }
            if let first = seen[key] {
                report(key, first: first, again: pair.key.mark)
            } else {
                seen[key] = pair.key.mark
            }
        }
    }

    /// A string or a list of strings, as (text, mark) items; anything else is reported.
    func stringItems(_ node: Node, _ file: LoadedFile, what: String) -> [(text: String, mark: Mark)] {
        if let scalar = node.scalar, !node.isNull { return [(scalar.value, node.mark)] }
        if node.isNull { return [] }
        guard let items = node.sequence else {
            error("'\(what)' must be a string or a list of strings, found \(node.kindDescription)", file, node.mark)
            return []
        }
        var result: [(String, Mark)] = []
        for item in items {
            guard let scalar = item.scalar, !item.isNull else {
                error("'\(what)' items must be strings, found \(item.kindDescription)", file, item.mark)
                continue
            }
            result.append((scalar.value, item.mark))
        }
        return result
    }
}

/// The config digest: SHA-256 over each file's absolute path, a zero byte, its bytes and a zero byte, in load
/// order. Files are hashed on a serial queue of their own while the loader parses them, so a large config's
/// digest costs no time on the way to a plan.
final class ConfigDigester: @unchecked Sendable {
    private let queue = DispatchQueue(label: "tend.config-digest")
    /// Touched only on `queue`.
    private var hasher = SHA256()

    func add(path: String, bytes: [UInt8]) {
        queue.async { [self] in
            hasher.update(Array(path.utf8) + [0])
            hasher.update(bytes)
            hasher.update([0])
        }
    }

    /// `sha256:` and the hex digest of everything added; waits for the hashing still under way.
    func finish() -> String {
        queue.sync { "sha256:" + SHA256.hex(hasher.finalize()) }
    }
}
