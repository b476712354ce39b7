import Foundation
import TendCore

/// Which startup files get tend's hook. Every file a supported shell reads that exists (or that a resource of
/// the config will put there) gets one, so a `~/.zshrc` made after the first apply is found by the next plan;
/// the login shell's files are created when missing, so that its interactive and login starts both load the
/// profile (bash started with `-l` reads only the first of `~/.bash_profile`, `~/.bash_login`, `~/.profile`).
extension ShellHookResource {
    static let profileTypes: Set<String> = ["alias", "env", "path"]

    public func impliedResources(by declared: [ResourceSpec], host: Machine) -> [ResourceSpec] {
        guard declared.contains(where: { Self.profileTypes.contains($0.type) && $0.ensure == .present }) else { return [] }
        var byPath: [String: ResourceSpec] = [:]
        var managedSources: [String] = []
        for resource in declared where resource.ensure == .present {
            switch resource.type {
            case "symlink":
                byPath[ResourcePaths.absolute(resource, "path", home: host.home)] = resource
                managedSources.append(ResourcePaths.absolute(resource, "target", home: host.home))
            case "file":
                let path = ResourcePaths.absolute(resource, "path", home: host.home)
                byPath[path] = resource
                managedSources.append(path)
            default: continue
            }
        }
        return Self.startupFiles(host: host, declared: Set(byPath.keys)).map { path, shell in
            var file = ShellHookFile(path: path, shell: shell, profile: shell == .fish
                                     ? ShellProfile.fishPath(for: host) : ShellProfile.path(for: host), host: host)
            var parameters: [String: Value] = [
                "path": .string(path), "sources": .string(file.profile), "block": .string(Self.intact),
            ]
            var dependsOn: [Address] = []
            if let owner = byPath[path] {
                let (editAt, text) = Self.managedContent(of: owner, host: host)
                file.managedBy = owner.address.description
                parameters["managedBy"] = .string(owner.address.description)
                parameters["editAt"] = .string(editAt)
                parameters["alreadySources"] = .bool(text.map(file.loadsProfile) ?? false)
                dependsOn.append(owner.address)
            }
            // Resolved under the module's trust rule, as apply resolves it; a link it refuses is reported by refresh.
            if host.files.status(path)?.kind == .symlink,
               let resolved = try? DirectoryHandle.resolve(path, alsoTrusting: file.actingUser) {
                let destination = resolved.directory.pathOf(resolved.name)
                // Only the source it points into travels with the hook: refresh checks the link again.
                if let source = managedSources.first(where: { destination == $0 || destination.hasPrefix($0 + "/") }) {
                    parameters["linkedInto"] = .string(source)
                }
            }
            return ResourceSpec(address: Address(type: schema.name, key: PathNormalizer.addressForm(path, home: host.home)),
                                type: schema.name, parameters: parameters, dependsOn: dependsOn,
                                location: SourceLocation(file: "(implied by the profile resources)", mark: .start),
                                baseDirectory: host.home)
        }
    }

    /// Where a user edits what a `file` or `symlink` resource puts at a startup file, and that text as the config
    /// makes it (nil when it cannot be read).
    static func managedContent(of resource: ResourceSpec, host: Machine) -> (editAt: String, text: String?) {
        if resource.type == "symlink" {
            let target = ResourcePaths.absolute(resource, "target", home: host.home)
            return (target, host.files.readText(target))
        }
        if let content = resource.parameters["content"]?.stringValue {
            return (ResourcePaths.absolute(resource, "path", home: host.home), content)
        }
        let source = ResourcePaths.absolute(resource, "source", home: host.home)
        return (source, host.files.readText(source))
    }

    /// The startup files, in the order tend edits them. `declared` are paths the config's file and symlink
    /// resources will put there, which count as present.
    static func startupFiles(host: Machine, declared: Set<String> = []) -> [(String, ShellHookFile.Shell)] {
        let home = host.home
        var zdotdir = home
        if let value = host.facts.environment["ZDOTDIR"], value.hasPrefix("/") { zdotdir = PathNormalizer.standardize(value) }
        func present(_ path: String) -> Bool { declared.contains(path) || host.files.status(path) != nil }
        let login = loginShell(host: host)
        let bashrc = home + "/.bashrc", bashProfile = home + "/.bash_profile", bashLogin = home + "/.bash_login"
        let profile = home + "/.profile", zshrc = zdotdir + "/.zshrc", zprofile = zdotdir + "/.zprofile"
        let posixLogin = ["sh", "dash", "ksh", "mksh", "ash", "posh"].contains(login)
        let bashLoginFile = present(bashProfile) || present(bashLogin)
        var files: [(String, ShellHookFile.Shell)] = []
        if present(bashrc) || login == "bash" { files.append((bashrc, .posix)) }
        if present(bashProfile) { files.append((bashProfile, .posix)) }
        if present(bashLogin) { files.append((bashLogin, .posix)) }
        if present(profile) || posixLogin || (login == "bash" && !bashLoginFile) { files.append((profile, .posix)) }
        if present(zshrc) || login == "zsh" { files.append((zshrc, .posix)) }
        if present(zprofile) || login == "zsh" { files.append((zprofile, .posix)) }
        if usesFish(host: host) { files.append((host.configHome + "/fish/conf.d/tend.fish", .fish)) }
        var seen = Set<String>()
        return files.filter { seen.insert($0.0).inserted }
    }

    /// The name of the user's login shell (`$SHELL`, else the passwd entry): "bash", "zsh", ...
    static func loginShell(host: Machine) -> String {
        var shell = host.facts.environment["SHELL"] ?? ""
        if shell.isEmpty, let entry = getpwnam(host.facts.user), let pointer = entry.pointee.pw_shell {
            shell = String(cString: pointer)
        }
        return PathNormalizer.lastComponent(shell)
    }

    /// True when fish is on PATH or its config directory exists.
    static func usesFish(host: Machine) -> Bool {
        if host.files.status(host.configHome + "/fish") != nil { return true }
        let path = host.facts.environment["PATH"] ?? ""
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/fish") }
    }
}
