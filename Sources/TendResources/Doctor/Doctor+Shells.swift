import TendCore

/// tend's hooks, looked at as a plan looks at them (the `shell-hook` resources the engine implies), then a real
/// interactive shell of each kind started to see whether the profile's variables, aliases and PATH entries
/// reach it: a hook can be in place and still never run (an early `return` above it in `~/.bashrc`).
extension Doctor {
    static let aliasMarker = "__tend_doctor_aliases__"

    func shellChecks(_ config: Config) async -> [DoctorCheck] {
        let hooks = engine.addingImpliedResources(to: config).allResources.filter { $0.type == ShellHookResource.hookSchema.name }
        guard !hooks.isEmpty, let hookType = engine.registry[ShellHookResource.hookSchema.name] else {
            return [DoctorCheck("shell hook", "startup files", .skipped,
                                "the config has no alias, env or path resources, so no shell needs tend's hook")]
        }
        var checks: [DoctorCheck] = []
        for hook in hooks {
            checks.append(await hookCheck(hook, type: hookType))
        }
        let expected = ProfileExpectation(config, host: host)
        let hookPaths = Set(hooks.map { ResourcePaths.absolute($0, "path", home: host.home) })
        for shell in ["bash", "zsh", "fish"] {
            checks.append(await probe(shell, expected: expected, hookPaths: hookPaths))
        }
        return checks
    }

    private func hookCheck(_ hook: ResourceSpec, type: any ResourceType) async -> DoctorCheck {
        let subject = hook.address.key
        let observation: Observation?
        do {
            observation = try await type.refresh([hook], host: host)[hook.address]
        } catch {
            return DoctorCheck("shell hook", subject, .problem, "\(error)",
                               fix: "the finding says what to change; then run 'tend doctor' again")
        }
        guard let observation, observation.exists else {
            return DoctorCheck("shell hook", subject, .problem,
                               "tend's block is missing" + (observation?.note.map { " (\($0))" } ?? ""),
                               fix: "run 'tend apply': it puts the block back and leaves the rest of the file as it is")
        }
        if observation.parameters["block"] == .string(ShellHookResource.edited) {
            return DoctorCheck("shell hook", subject, .problem, "tend's block was edited outside tend",
                               fix: "run 'tend apply': it keeps the edited file in backups ('tend backups list') "
                                   + "and writes the block again")
        }
        return DoctorCheck("shell hook", subject, .ok, "loads tend's profile")
    }

    /// Starts `shell` as an interactive shell in a clean environment and compares what it has with the profile.
    private func probe(_ shell: String, expected: ProfileExpectation, hookPaths: Set<String>) async -> DoctorCheck {
        let subject = shell == "fish" ? "fish -ic" : "\(shell) -ic"
        guard let executable = SystemProcessRunner.resolve(shell, path: host.facts.environment["PATH"]) else {
            return DoctorCheck("shell", subject, .skipped, "\(shell) is not installed, so it was not tried")
        }
        let startup = interactiveStartupFile(of: shell)
        guard hookPaths.contains(startup) else {
            return DoctorCheck("shell", subject, .skipped, "\(PathNormalizer.addressForm(startup, home: host.home)) "
                               + "does not exist, so an interactive \(shell) does not load tend's profile; "
                               + "'tend apply' adds the hook once the file is there")
        }
        // A clean environment: what the running shell already has (a loaded profile, tend's PATH) must not count.
        var assignments = ["HOME=\(host.home)", "USER=\(host.facts.user)", "LOGNAME=\(host.facts.user)",
                           "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=dumb", "LANG=C.UTF-8"]
        for name in ["XDG_CONFIG_HOME", "ZDOTDIR"] {
            if let value = host.facts.environment[name], !value.isEmpty { assignments.append("\(name)=\(value)") }
        }
        let script = shell == "fish" ? "env; echo \(Self.aliasMarker); functions -n" : "env; echo \(Self.aliasMarker); alias"
        let command = Command(["env", "-i"] + assignments + [executable, "-ic", script],
                              workingDirectory: host.home, timeout: shellTimeout)
        let result: CommandResult
        do {
            result = try await host.runner.run(command)
        } catch {
            return DoctorCheck("shell", subject, .problem, "could not start an interactive \(shell): \(error)",
                               fix: "start '\(shell) -i' yourself and look at what its startup files do")
        }
        guard let seen = ShellSight(output: result.output, shell: shell) else {
            return DoctorCheck("shell", subject, .problem,
                               "an interactive \(shell) stopped early (exit status \(result.status)): \(result.tail(lines: 3))",
                               fix: "start '\(shell) -i' yourself: one of its startup files fails")
        }
        let missing = expected.missing(from: seen, shell: shell)
        guard missing.isEmpty else {
            return DoctorCheck("shell", subject, .problem,
                               "an interactive \(shell) does not have " + missing.joined(separator: ", "),
                               fix: "run 'tend apply' (it writes the profile and the hooks); if they are in place, "
                                   + (shell == "fish" ? "a later file in fish's conf.d or config.fish undoes them"
                                      : "something in \(PathNormalizer.addressForm(startup, home: host.home)) stops "
                                        + "before tend's block (an early 'return') or undoes it: move the block to the end"))
        }
        return DoctorCheck("shell", subject, .ok, "an interactive \(shell) has the profile's "
                           + "\(expected.count) entr\(expected.count == 1 ? "y" : "ies")")
    }

    /// The file an interactive, non-login shell of this kind reads, where tend's hook must be for it.
    private func interactiveStartupFile(of shell: String) -> String {
        switch shell {
        case "fish": return host.configHome + "/fish/conf.d/tend.fish"
        case "zsh":
            let zdotdir = host.facts.environment["ZDOTDIR"].flatMap { $0.hasPrefix("/") ? PathNormalizer.standardize($0) : nil }
            return (zdotdir ?? host.home) + "/.zshrc"
        default: return host.home + "/.bashrc"
        }
    }
}
