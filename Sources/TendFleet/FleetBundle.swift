import Foundation
import TendCore
import TendYAML

/// What is shipped to every host: the directory of the root config (its includes and the files it refers to
/// by relative path live there), read once, plus per host a small root file that includes the config and sets
/// the host's inventory variables (they override the config's own `vars`, as a later file's vars do).
public struct FleetBundle: Sendable {
    /// The name of the per-host root file inside the bundle.
    public static let hostFileName = ".tend-fleet-host.yaml"
    /// Bounds on what is shipped: a config directory, not a disk.
    static let byteLimit = RegularFileReader.sourceLimit
    static let fileLimit = 10_000

    /// The absolute directory shipped.
    public let directory: String
    /// The root config's path inside the bundle.
    public let configName: String
    private let archive: TarArchive
    public let fileCount: Int
    public let byteCount: Int

    /// Reads the directory of `configPath` (absolute). `.git` directories and links are left out (a link's
    /// target may not exist on the host), and so are the absolute paths in `excluding` (the inventory: the
    /// hosts need not know each other).
    public init(configPath: String, excluding: Set<String> = []) throws(FleetError) {
        let directory = PathNormalizer.directory(of: configPath)
        self.directory = directory
        configName = String(configPath.dropFirst(directory.count + 1))
        var archive = TarArchive()
        var files = 0
        var bytes = 0
        var pending = [""]
        while let relative = pending.popLast() {
            let absolute = relative.isEmpty ? directory : directory + "/" + relative
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: absolute).sorted()
            } catch {
                throw .bundle("could not list \(absolute) for the bundle: \(error.localizedDescription)")
            }
            for name in names where name != ".git" && name != Self.hostFileName {
                let path = relative.isEmpty ? name : relative + "/" + name
                if excluding.contains(directory + "/" + path) { continue }
                var status = stat()
                guard lstat(directory + "/" + path, &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR:
                    try archive.add(path, .directory, mode: 0o700)
                    pending.append(path)
                case S_IFREG:
                    let content: [UInt8]
                    do {
                        content = try RegularFileReader.read(directory + "/" + path, limit: Self.byteLimit)
                    } catch {
                        throw .bundle("could not read \(directory)/\(path) for the bundle: \(error)")
                    }
                    files += 1
                    bytes += content.count
                    guard files <= Self.fileLimit, bytes <= Self.byteLimit else {
                        throw .bundle("\(directory) holds more than \(Self.fileLimit) files or \(Self.byteLimit >> 20) MiB; "
                                      + "a fleet ships the config's directory: keep the config in a directory of its own")
                    }
                    try archive.add(path, .file(content), mode: status.st_mode & 0o100 != 0 ? 0o700 : 0o600)
                default:
                    continue
                }
            }
        }
        self.archive = archive
        fileCount = files
        byteCount = bytes
    }

    /// Refuses a config whose files (as loaded) lie outside the shipped directory, naming the first.
    public func checkContains(_ files: [String]) throws(FleetError) {
        for file in files {
            let absolute = PathNormalizer.absolute(file, home: NSHomeDirectory(),
                                                   base: FileManager.default.currentDirectoryPath)
            guard absolute.hasPrefix(directory + "/") else {
                throw .bundle("the config includes '\(file)', outside \(directory); a fleet ships the config's "
                              + "directory only: move the file into it")
            }
        }
    }

    /// The per-host root file: `tend: 1`, an include of the config, and the host's variables.
    public func hostFile(for host: FleetHost) throws(FleetError) -> String {
        var pairs = [Pair(.scalar("tend"), .scalar(String(ConfigLoader.formatVersion))),
                     Pair(.scalar("include"), .sequence([Node.string(configName)]))]
        if !host.variables.isEmpty { pairs.append(Pair(.scalar("vars"), .mapping(host.variables))) }
        do {
            return try Emitter().emit(.mapping(pairs))
        } catch {
            throw .bundle("could not write the variables of host '\(host.name)': \(error)")
        }
    }

    /// The archive for one host: the shared files and its own root file.
    public func archive(for host: FleetHost) throws(FleetError) -> [UInt8] {
        var archive = self.archive
        try archive.add(Self.hostFileName, .file(Array(try hostFile(for: host).utf8)), mode: 0o600)
        return archive.finished()
    }

    /// Loads the host's root file here, with the host's groups, so that config errors are reported once,
    /// locally, with FILE:LINE:COL, before any host is touched.
    public func check(_ host: FleetHost, loader: ConfigLoader) throws(FleetError) -> ConfigLoadResult {
        var loader = loader
        loader.host.environment[WhenCondition.groupsVariable] = host.groups.joined(separator: ",")
        return loader.load(text: try hostFile(for: host), path: directory + "/" + Self.hostFileName)
    }
}
