import TendCore

/// tend's hook in one shell startup file: the marked block in `~/.bashrc`, `~/.zshrc`, `~/.profile`, ... that
/// loads `profile.sh`, or fish's `conf.d/tend.fish`. The engine adds one per startup file whenever the config
/// has alias, env or path resources (`impliedResources`), so that a block that went missing or was edited is a
/// planned change like any other, and a startup file that appears later gets one.
///
/// Refresh reads the files and starts no process. A startup file whose content the config manages otherwise
/// (a `file` resource, or a link into a `symlink` resource's source) is never edited: it must load the profile
/// itself, else planning stops with an error that gives the line to add and where.
public struct ShellHookResource: ImpliedResourceType {
    public init() {}

    public var schema: TypeSchema { Self.hookSchema }

    /// The `block` value of a hook as tend writes it; anything else is the user's edit.
    static let intact = "as tend writes it"
    static let edited = "edited outside tend"

    static let hookSchema = TypeSchema(
        name: "shell-hook", summary: "tend's block in a shell startup file (added by tend, not written in a config)",
        parameters: [
            ParameterSchema("path", .path, key: true, summary: "the startup file"),
            ParameterSchema("sources", .path, summary: "the profile the hook loads"),
            ParameterSchema("block", .string, summary: "whether the block is as tend writes it"),
            ParameterSchema("managedBy", .string, comparison: .createOnly,
                            summary: "the config's file or symlink resource at the path, whose content tend does not edit"),
            ParameterSchema("editAt", .path, comparison: .createOnly, summary: "where the user loads the profile instead"),
            ParameterSchema("alreadySources", .bool, comparison: .createOnly,
                            summary: "true when managedBy's content loads the profile"),
            ParameterSchema("linkedInto", .path, comparison: .createOnly,
                            summary: "the config's symlink source that the startup file, a link, points into"),
        ],
        example: "")

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        var observations: [Address: Observation] = [:]
        for resource in resources {
            observations[resource.address] = try observe(resource, host: host)
        }
        return observations
    }

    func observe(_ resource: ResourceSpec, host: Machine) throws -> Observation {
        let file = ShellHookFile(resource, host: host)
        let look: ShellHookFile.Look
        do {
            look = try file.look()
        } catch let problem as ShellHookFile.Problem {
            // Going away, tend has nothing to take out of a file it cannot read; present, it has no way forward.
            if resource.ensure == .absent { return .absent(problem.description) }
            throw PlanError.cannotPlan(problem.description)
        }
        var parameters: [String: Value] = [
            "path": .string(file.path), "sources": .string(file.profile), "block": .string(Self.intact),
        ]
        if look.viaLink { parameters["destination"] = .string(look.destination) }
        // Only tend's part of a startup file goes into the plan: the rest is the user's, and may hold secrets.
        let before = file.shell == .posix ? ShellHookFile.blockText(in: look.bytes) : String(decoding: look.bytes, as: UTF8.self)
        let after = String(decoding: file.shell == .posix ? file.block + [UInt8(ascii: "\n")] : file.fishFile, as: UTF8.self)
        let content = ContentChange(path: file.path, before: before, after: after)
        if let protectedBy = look.protectedBy {
            // tend writes nothing here: present when the user loads the profile, else the plan cannot go on.
            if resource.ensure == .absent { return .absent("tend does not edit it") }
            guard look.found == .sourcedByUser || look.found == .intact else { throw PlanError.cannotPlan(protectedBy) }
            return .present(parameters)
        }
        switch look.found {
        case .intact, .sourcedByUser:
            return .present(parameters)
        case .edited:
            parameters["block"] = .string(Self.edited)
            return Observation(exists: true, parameters: parameters, note: "tend's block was edited outside tend",
                               contentChange: content)
        case .missing(let note):
            let destination = look.viaLink ? ["destination": Value.string(look.destination)] : [:]
            return Observation(exists: false, parameters: destination, note: note, contentChange: content)
        }
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let home = ResourcePaths.home(of: resource, "path")
        let path = ResourcePaths.shownPath(of: resource)
        let profile = ResourcePaths.display(resource.parameters["sources"]?.stringValue ?? "tend's profile", home: home)
        let fish = resource.address.key.hasSuffix(".fish")
        let edited = observation?.parameters["block"]?.stringValue == Self.edited
        let kept = edited ? "; it was edited outside tend, so the file as it is now is kept in backups first" : ""
        var through = ""
        if let destination = observation?.parameters["destination"]?.stringValue {
            through = " (a link: the block goes into \(ResourcePaths.display(destination, home: home)))"
        }
        switch operation {
        case .create:
            if fish { return "Write \(path), which loads \(profile) in fish" }
            if observation?.note?.hasSuffix("does not exist") == true {
                return "Create \(path) with tend's block, which loads \(profile)"
            }
            return "Add tend's block to \(path), which loads \(profile)\(through)"
        case .modify, .recreate:
            return (fish ? "Rewrite \(path)" : "Put back tend's block in \(path)\(through)") + kept
        case .destroy:
            return (fish ? "Delete \(path)" : "Remove tend's block from \(path)\(through)") + kept
        case .release:
            return "Stop managing tend's block in \(path) (left as it is)"
        }
    }
}

extension ShellHookFile {
    /// The startup file a hook resource names, with what the config said about it.
    init(_ resource: ResourceSpec, host: Machine) {
        let parameters = resource.parameters
        // fish's hook is a file of its own in conf.d; every other startup file gets a POSIX block.
        let shell: Shell = resource.address.key.hasSuffix(".fish") ? .fish : .posix
        self.init(path: ResourcePaths.absolute(resource, "path", home: host.home), shell: shell,
                  profile: parameters["sources"]?.stringValue
                      ?? (shell == .fish ? ShellProfile.fishPath(for: host) : ShellProfile.path(for: host)),
                  host: host)
        managedBy = parameters["managedBy"]?.stringValue
        editAt = parameters["editAt"]?.stringValue
        alreadySources = parameters["alreadySources"] == .bool(true)
        managedSources = parameters["linkedInto"]?.stringValue.map { [$0] } ?? []
    }
}
