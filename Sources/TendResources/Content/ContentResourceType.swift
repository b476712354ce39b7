import Foundation
import TendCore

/// A type whose resource is a fragment of a text file the user also edits: a line, a block between markers, an
/// INI or JSON setting. The type says how to find, place and remove its fragment in the file's text; the shared
/// refresh and apply (`+Refresh`, `+Apply`) do the reading, writing and rule 1.
///
/// Invariants: the edits are pure functions of the text (no host access), leave every byte outside the fragment
/// as it was, and are idempotent (placing a fragment that is there changes nothing); they throw `ContentError`
/// for a file whose syntax hides where the fragment is.
protocol ContentResourceType: ApplyingResourceType {
    /// The fragment of the resource in `text` now (the line, the block's body, the value), nil when none is there.
    func fragment(of resource: ResourceSpec, in text: String, path: String) throws -> String?
    /// The fragment the config wants there (what apply records as written).
    func desiredFragment(of resource: ResourceSpec) throws -> String
    /// What refresh reports given the text, by the schema's parameter names.
    func observe(_ resource: ResourceSpec, in text: String, path: String, shownPath: String) throws -> Observation
    /// What refresh reports for several resources in one file's text; types with many resources per file parse
    /// the text once here (the default observes each resource on its own).
    func observeAll(_ resources: [ResourceSpec], in text: String, shownPath: String) -> [Address: Observation]
    /// `text` with the resource's fragment in place.
    func placing(_ resource: ResourceSpec, in text: String, path: String) throws -> String
    /// `text` without the resource's fragment.
    func removing(_ resource: ResourceSpec, from text: String, path: String) throws -> String
    /// `text` with `original` put back where the resource's fragment is now.
    func restoring(_ original: String, for resource: ResourceSpec, in text: String, path: String) throws -> String
    /// "the line 'x'", "tend's block 'y'", "ini setting core.editor": what the plan's sentences call the fragment.
    func noun(for resource: ResourceSpec) -> String
    /// The mode of a file the type creates.
    var newFileMode: Int { get }
    /// The mode of directories made on the way to a new file.
    var newDirectoryMode: Int { get }
}

extension ContentResourceType {
    var newFileMode: Int { 0o644 }

    func observeAll(_ resources: [ResourceSpec], in text: String, shownPath: String) -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        for resource in resources {
            do {
                observations[resource.address] = try observe(resource, in: text, path: shownPath, shownPath: shownPath)
            } catch {
                observations[resource.address] = .absent("\(error)")
            }
        }
        return observations
    }
    var newDirectoryMode: Int { 0o755 }

    /// The absolute file the resource edits, as the loader normalised `path`.
    func path(of resource: ResourceSpec, home: String) -> String {
        let text = pathText(of: resource)
        return PathNormalizer.absolute(text, home: home, base: resource.baseDirectory)
    }

    /// The path as the config gives it, else the schema's default (`~/.ssh/config`, `/etc/hosts`).
    private func pathText(of resource: ResourceSpec) -> String {
        resource.parameters["path"]?.stringValue ?? schema.parameter("path")?.defaultValue?.stringValue ?? "?"
    }

    /// The path in `~` form for messages, which get no host.
    func shownPath(of resource: ResourceSpec) -> String {
        let text = pathText(of: resource)
        // Messages get no host; the loader expanded `~` with this process's home.
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return text }
        return PathNormalizer.addressForm(text, home: home)
    }

    public var keepsOriginals: Bool { true }

    /// A release may put a value back inside a shared file, which only the type can do.
    public var putsBackItself: Bool { true }

    /// Every content type takes this group, so that no two changes edit one file at once (each reads the file
    /// again right before it writes); one batch edits each file once.
    public var lockGroup: String? { "content-files" }

    public var batchSize: Int { 1000 }

    public func subject(of resource: ResourceSpec) -> String {
        "\(noun(for: resource)) in \(shownPath(of: resource))"
    }

    /// The fragment's footprint now, so that rule 1 sees an edit made outside tend.
    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        let path = path(of: resource, home: host.home)
        guard let file = try? ContentFile.read(path, host: host) else { return "value (unreadable)" }
        guard let fragment = try? fragment(of: resource, in: file.text, path: file.destination) else {
            return "value (unreadable)"
        }
        return PathFootprint.value(fragment)
    }

    /// A file that cannot be read (a refused link, a directory, malformed syntax) stops the plan with why.
    public func planProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        fileProblems(resource, host: host)
    }

    public func removalProblems(_ resource: ResourceSpec, observation: Observation?, host: Machine) -> [ValueProblem] {
        fileProblems(resource, host: host)
    }

    func fileProblems(_ resource: ResourceSpec, host: Machine) -> [ValueProblem] {
        let path = path(of: resource, home: host.home)
        do {
            let file = try ContentFile.read(path, host: host)
            _ = try fragment(of: resource, in: file.text, path: ResourcePaths.shown(file.destination, host: host))
            return []
        } catch {
            return [ValueProblem("path", "\(error)")]
        }
    }
}
