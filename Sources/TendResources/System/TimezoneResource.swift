import Foundation
import TendCore

/// `timezone`: the machine's timezone, as `/etc/localtime` (a link into the zoneinfo database, which the C library
/// reads) and `/etc/timezone` (its name, which Debian's tools read) say it.
///
/// The key is the zone's name, so a resource is present only while the machine is in that zone; when it is in
/// another, the plan sets it (a create), keeping the zone it replaces. Refresh reads the link and the file in
/// process, no `timedatectl`. Leaving the config releases the resource (kept by default): the zone tend replaced
/// is put back only while the machine is still in the zone tend set.
public struct TimezoneResource: ApplyingResourceType {
    /// The directory that holds `etc/` (`/`, or a test's own tree).
    let root: String
    /// The zoneinfo database the names are checked against and the link points into.
    let zoneinfo: String

    public init() { self.init(root: "/", zoneinfo: "/usr/share/zoneinfo") }

    init(root: String, zoneinfo: String) {
        self.root = root.hasSuffix("/") ? root : root + "/"
        self.zoneinfo = zoneinfo
    }

    var localtimePath: String { root + "etc/localtime" }
    var timezonePath: String { root + "etc/timezone" }

    public var schema: TypeSchema { Self.schema }

    static let schema = TypeSchema(
        name: "timezone", summary: "the machine's timezone (/etc/localtime and /etc/timezone, Linux), kept and put back on release",
        parameters: [
            ParameterSchema("name", .string, key: true,
                            summary: "a zone under /usr/share/zoneinfo, e.g. Europe/Paris or UTC", example: "Europe/Paris"),
        ],
        example: """
        - type: timezone
          name: Europe/Paris
        """,
        valueCheck: { resource, context in
            TimezoneResource.problems(resource, zoneinfo: "/usr/share/zoneinfo", files: context.files)
        },
        keptByDefault: true)

    static func problems(_ resource: ResourceSpec, zoneinfo: String, files: FileSystem) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        if resource.ensure == .absent {
            problems.append(ValueProblem("name", "a timezone cannot be absent: the machine always has one",
                                         hint: "remove the resource instead; tend then puts back the zone it replaced"))
        }
        if let problem = nameProblem(name(of: resource), zoneinfo: zoneinfo, files: files) {
            problems.append(ValueProblem("name", problem, hint: "pick a file under \(zoneinfo), e.g. Europe/Paris or UTC"))
        }
        return problems
    }

    static func name(of resource: ResourceSpec) -> String {
        resource.parameters["name"]?.stringValue ?? resource.address.key
    }

    /// Why `name` is not a zone here, or nil; `validate` and apply ask the same.
    static func nameProblem(_ name: String, zoneinfo: String, files: FileSystem) -> String? {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
              !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == " " }) else {
            return "timezone '\(name)' is not a zone name (write Area/City, e.g. Europe/Paris)"
        }
        // The database holds links (UTC -> Etc/UTC) as well as files; either names a zone.
        guard let status = files.status(zoneinfo + "/" + name), status.kind == .file || status.kind == .symlink else {
            return "timezone '\(name)' is not in \(zoneinfo)"
        }
        return nil
    }

    /// The zone the machine is in now: the link's zone, else the name file's; nil when neither says.
    func current(files: FileSystem) -> (name: String?, fileName: String?) {
        var linked: String?
        if let target = files.readLink(localtimePath), let range = target.range(of: "zoneinfo/") {
            linked = String(target[range.upperBound...])
        }
        // A zone name is short; anything longer than a page is not one, and is not read whole.
        let fileName = (try? RegularFileReader.read(timezonePath, limit: 4096)).map { bytes in
            String(String(decoding: bytes, as: UTF8.self).split(separator: "\n").first ?? "").trimmingCharacters(in: .whitespaces)
        }
        return (linked ?? fileName, fileName)
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        guard !resources.isEmpty else { return [:] }
        let (name, fileName) = current(files: host.files)
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let wanted = Self.name(of: resource)
            if name == wanted && (fileName == nil || fileName == wanted) {
                observations[resource.address] = .present(["name": .string(wanted)])
            } else if name == wanted {
                observations[resource.address] = .absent("\(timezonePath) says \(fileName ?? "nothing")")
            } else {
                observations[resource.address] = .absent("the timezone is \(name ?? "not set")")
            }
        }
        return observations
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let name = Self.name(of: resource)
        switch operation {
        case .create, .modify, .recreate:
            let now = observation?.note.map { " (\($0); that zone is kept in backups first)" } ?? ""
            return "Set the timezone to \(name): link \(localtimePath) to \(zoneinfo)/\(name) and write \(timezonePath)\(now)"
        case .destroy:
            return "Put back the timezone the machine had before tend set \(name)"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }

    public func subject(of resource: ResourceSpec) -> String { "the timezone \(Self.name(of: resource))" }

    public var keepsOriginals: Bool { true }

    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        PathFootprint.value(current(files: host.files).name)
    }
}
