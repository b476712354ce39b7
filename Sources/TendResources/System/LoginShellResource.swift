import TendCore

/// `login-shell`: the shell a local user logs in with, the last field of their `/etc/passwd` line.
///
/// Refresh reads the passwd file once, in process, for every login-shell resource (no `getent`, no spawn). Apply
/// runs `chsh -s SHELL -- USER`. The shell must be listed in `/etc/shells`, checked at `validate`, because chsh
/// refuses others for anyone but root and a shell missing there locks the user out of ftp, su and some PAM setups.
public struct LoginShellResource: ApplyingResourceType {
    /// The passwd file refresh reads; tests point it at a fixture.
    let passwdPath: String

    public init() { self.init(passwdPath: "/etc/passwd") }

    init(passwdPath: String) { self.passwdPath = passwdPath }

    public var schema: TypeSchema { Self.schema }

    static let schema = TypeSchema(
        name: "login-shell", summary: "the login shell of a local user (chsh), kept and put back on release",
        parameters: [
            ParameterSchema("user", .string, key: true,
                            summary: "the local user; write ${host.user} for the user tend runs as", example: "${host.user}"),
            ParameterSchema("shell", .string, required: true,
                            summary: "the shell's absolute path, as listed in /etc/shells", example: "/usr/bin/zsh"),
        ],
        example: """
        - type: login-shell
          user: ${host.user}
          shell: /usr/bin/zsh
        """,
        valueCheck: { resource, context in LoginShellResource.problems(resource, files: context.files) })

    /// The file that lists the shells a user may choose.
    static let shellsPath = "/etc/shells"

    static func problems(_ resource: ResourceSpec, files: FileSystem) -> [ValueProblem] {
        var problems: [ValueProblem] = []
        let user = resource.parameters["user"]?.stringValue ?? resource.address.key
        if !AccountDatabase.isAccountName(user) {
            problems.append(ValueProblem("user", "'\(user)' is not a user name",
                                         hint: "write the name as /etc/passwd lists it, e.g. alice"))
        }
        if resource.ensure == .absent {
            problems.append(ValueProblem("user", "a login shell cannot be absent: every user has one",
                                         hint: "remove the resource instead; tend then puts back the shell it replaced"))
        }
        if let shell = resource.parameters["shell"]?.stringValue, let problem = shellProblem(shell, files: files) {
            problems.append(ValueProblem("shell", problem, hint: "pick a line of /etc/shells, e.g. /bin/bash"))
        }
        return problems
    }

    /// Why `shell` cannot be a login shell here, or nil; `validate` and apply ask the same.
    static func shellProblem(_ shell: String, files: FileSystem) -> String? {
        guard shell.hasPrefix("/") else { return "login shell '\(shell)' is not an absolute path" }
        guard let bytes = try? RegularFileReader.read(shellsPath, limit: AccountDatabase.limit) else {
            return "cannot read \(shellsPath) to check login shell '\(shell)'"
        }
        let listed = String(decoding: bytes, as: UTF8.self).split(separator: "\n").contains { line in
            line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                .split(separator: " ").first.map(String.init) == shell
        }
        return listed ? nil : "login shell '\(shell)' is not listed in \(shellsPath)"
    }

    public func refresh(_ resources: [ResourceSpec], host: Machine) async throws -> [Address: Observation] {
        guard !resources.isEmpty else { return [:] }
        let shells = AccountDatabase.shells(passwd: try AccountDatabase.read(passwdPath))
        var observations: [Address: Observation] = [:]
        for resource in resources {
            let user = Self.user(of: resource)
            if let shell = shells[user] {
                observations[resource.address] = .present(["shell": .string(shell)])
            } else {
                observations[resource.address] = .absent("no user \(user) in \(passwdPath)")
            }
        }
        return observations
    }

    static func user(of resource: ResourceSpec) -> String {
        resource.parameters["user"]?.stringValue ?? resource.address.key
    }

    /// The shell `user` has now, read from the passwd file; nil when the user is not there.
    func currentShell(of user: String) throws -> String? {
        AccountDatabase.shells(passwd: try AccountDatabase.read(passwdPath))[user]
    }

    public func message(for operation: ResourceOperation, resource: ResourceSpec, changes: [ParameterChange],
                        observation: Observation?) -> String {
        let user = Self.user(of: resource)
        let shell = resource.parameters["shell"]?.text ?? "(unset)"
        switch operation {
        case .create:
            return "Set the login shell of \(user) to \(shell) (chsh; the user is not in /etc/passwd yet)"
        case .modify, .recreate:
            let before = observation?.parameters["shell"]?.text ?? "(unknown)"
            return "Change the login shell of \(user) from \(before) to \(shell) (chsh)"
        case .destroy:
            return "Put back the login shell \(user) had before tend"
        case .release:
            return "Stop managing \(subject(of: resource)) (left as it is)"
        }
    }

    public func subject(of resource: ResourceSpec) -> String { "the login shell of \(Self.user(of: resource))" }

    public var keepsOriginals: Bool { true }

    public func footprint(of resource: ResourceSpec, host: Machine) -> String? {
        guard let shell = try? currentShell(of: Self.user(of: resource)) else { return "value (unreadable)" }
        return PathFootprint.value(shell)
    }
}
