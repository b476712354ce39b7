import TendCore

/// The value checks of the built-in types (`TypeSchema.valueCheck`): each calls the very function apply uses
/// to refuse the value, so `validate` and `plan` refuse exactly what apply would.
enum BuiltinChecks {
    static func apt(_ resource: ResourceSpec, _ context: ValueCheckContext) -> [ValueProblem] {
        AptPackage.nameProblem(PackageMessages.name(of: resource))
            .map { [ValueProblem("name", $0, hint: "write the name as apt-cache lists it, e.g. ripgrep or libssl3:amd64")] } ?? []
    }

    static func brew(_ resource: ResourceSpec, _ context: ValueCheckContext) -> [ValueProblem] {
        BrewPackage.nameProblem(PackageMessages.name(of: resource))
            .map { [ValueProblem("name", $0, hint: "write the name as 'brew search' shows it, e.g. ripgrep or hashicorp/tap/terraform")] } ?? []
    }

    static func pip(_ resource: ResourceSpec, _ context: ValueCheckContext) -> [ValueProblem] {
        python(resource, type: "pip")
    }

    static func pipx(_ resource: ResourceSpec, _ context: ValueCheckContext) -> [ValueProblem] {
        python(resource, type: "pipx")
    }

    private static func python(_ resource: ResourceSpec, type: String) -> [ValueProblem] {
        let name = PackageMessages.name(of: resource)
        if let problem = PythonRequirement.problem(name, type: type) { return [problem] }
        if case .failure(let failure) = PipPackage.requirement(name: name, pin: PackageMessages.pin(of: resource)) {
            return [ValueProblem("version", failure.message)]
        }
        return []
    }

    /// Profile entries are checked only when they are to be written: apply removes an entry by name without
    /// asking, so `ensure: absent` can clean up a name an older tend wrote.
    static func alias(_ resource: ResourceSpec, _ context: ValueCheckContext) -> [ValueProblem] {
        guard resource.ensure == .present else { return [] }
        let name = resource.parameters["name"]?.stringValue ?? resource.address.key
        if let problem = ShellProfile.problem(alias: name, value: "") {
            return [ValueProblem("name", problem, hint: "aliases are plain words in sh, bash, zsh and fish, e.g. gs or ll")]
        }
        if let value = resource.parameters["value"]?.stringValue, let problem = ShellProfile.problem(alias: name, value: value) {
            return [ValueProblem("value", problem)]
        }
        return []
    }

    static func env(_ resource: ResourceSpec, _ context: ValueCheckContext) -> [ValueProblem] {
        guard resource.ensure == .present else { return [] }
        let name = resource.parameters["name"]?.stringValue ?? resource.address.key
        if let problem = ShellProfile.problem(variable: name, value: "") {
            return [ValueProblem("name", problem)]
        }
        if let value = resource.parameters["value"]?.stringValue, let problem = ShellProfile.problem(variable: name, value: value) {
            return [ValueProblem("value", problem)]
        }
        return []
    }

    static func path(_ resource: ResourceSpec, _ context: ValueCheckContext) -> [ValueProblem] {
        guard resource.ensure == .present, let directory = resource.parameters["directory"]?.stringValue,
              let problem = ShellProfile.problem(path: directory) else { return [] }
        return [ValueProblem("directory", problem, hint: "name one directory per path resource")]
    }

    static func gitConfig(_ resource: ResourceSpec, _ context: ValueCheckContext) -> [ValueProblem] {
        let key = resource.parameters["key"]?.stringValue ?? resource.address.key
        return GitConfigResource.keyProblem(key)
            .map { [ValueProblem("key", $0, hint: "git keys are section.name or section.subsection.name, e.g. user.email")] } ?? []
    }

    /// The URL needs no check: git reads it after `--`, so one that starts with `-` is a (missing) repository.
    /// The branch also goes to `git checkout BRANCH --`, where one that starts with `-` would be an option; a
    /// name git would refuse fails here rather than half way through a clone.
    static func gitClone(_ resource: ResourceSpec, _ context: ValueCheckContext) -> [ValueProblem] {
        guard let branch = resource.parameters["branch"]?.stringValue, let problem = branchProblem(branch) else { return [] }
        return [ValueProblem("branch", "branch '\(branch)' is not a branch name git takes: \(problem)",
                             hint: "write the branch as 'git branch -r' shows it, without the remote, e.g. main")]
    }

    /// git's rules for a branch name (`git check-ref-format --branch`), the ones a config can break.
    static func branchProblem(_ branch: String) -> String? {
        if branch.isEmpty { return "it is empty" }
        if branch.hasPrefix("-") { return "it starts with '-', which git would read as an option" }
        if branch.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || " ~^:?*[\\".unicodeScalars.contains($0) }) {
            return "it contains a space, a control character or one of ~ ^ : ? * [ \\"
        }
        if branch.contains("..") || branch.contains("@{") || branch.contains("//") || branch == "@" {
            return "it contains '..', '@{' or '//', or is '@'"
        }
        if branch.hasPrefix("/") || branch.hasSuffix("/") || branch.hasSuffix(".") || branch.hasSuffix(".lock")
            || branch.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
            return "a part of it starts with '.', or it starts or ends with '/', or ends with '.' or '.lock'"
        }
        return nil
    }

    /// ssh-keygen reads the passphrase and the comment as one line each; the message never quotes the passphrase.
    static func sshKey(_ resource: ResourceSpec, _ context: ValueCheckContext) -> [ValueProblem] {
        guard resource.ensure == .present else { return [] }
        var problems: [ValueProblem] = []
        if let passphrase = resource.parameters["passphrase"]?.stringValue, passphrase.contains(where: \.isNewline) {
            problems.append(ValueProblem("passphrase", "the passphrase of key \(resource.address.key) contains a line break; ssh-keygen reads one line",
                                         hint: "use a passphrase without line breaks (a trailing newline from a file counts)"))
        }
        if let comment = resource.parameters["comment"]?.stringValue, comment.contains(where: \.isNewline) {
            problems.append(ValueProblem("comment", "the comment of key \(resource.address.key) contains a line break; a public key is one line",
                                         hint: "write the comment on one line"))
        }
        return problems
    }

    static func file(_ resource: ResourceSpec, _ context: ValueCheckContext) -> [ValueProblem] {
        guard resource.isActive, resource.ensure == .present,
              let source = resource.parameters["source"]?.stringValue else { return [] }
        // What apply makes first may make the source: a path another resource declares (a clone, most often),
        // or anything a script this file depends on writes.
        let owner = resource.parameters["path"]?.stringValue
        guard !context.isMadeByConfig(source, besides: owner),
              !resource.dependsOn.contains(where: { $0.type == "script" }) else { return [] }
        let shown = PathNormalizer.addressForm(source, home: context.home)
        guard let status = ResourcePaths.followedStatus(source, files: context.files) else {
            return [ValueProblem("source", "source \(shown) of \(resource.address) does not exist",
                                 hint: "create it, or fix the path (a relative one starts at the config file's directory)")]
        }
        guard status.kind == .file else {
            // Named as apply's reader names it ("a character device", "a FIFO"), not as "a special file".
            let kind = RegularFileReader.kindName(at: source) ?? ResourcePaths.noun(status.kind)
            return [ValueProblem("source", "source \(shown) of \(resource.address) is \(kind), not a regular file",
                                 hint: status.kind == .directory ? "point 'source' at a file; a directory needs one file resource per file"
                                     : "point 'source' at a regular file; tend copies bytes from files, never from a device, FIFO or socket")]
        }
        return []
    }
}
