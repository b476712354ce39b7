import Foundation
import Testing
import TendCore
import TendResources

/// Valid configs: what the loader makes of them on `fixedHost` (home /home/me, linux, debian, x86_64).
@Suite struct ConfigLoadingTests {
    /// Loads `text` as `/work/tend.yaml`, failing the test with the rendered diagnostics if it has errors.
    func load(_ text: String, host: HostFacts = fixedHost, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Config {
        let result = fixedLoader(host: host).load(text: text, path: "tend.yaml")
        #expect(result.diagnostics.isEmpty, "\(rendered(result))", sourceLocation: sourceLocation)
        return try #require(result.config, "no config:\n\(rendered(result))", sourceLocation: sourceLocation)
    }

    func resource(_ config: Config, _ address: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> ResourceSpec {
        let parsed = try #require(Address(parsing: address, home: fixedHost.home), sourceLocation: sourceLocation)
        let known = config.allResources.map(\.address.description).joined(separator: ", ")
        return try #require(config.allResources.first { $0.address == parsed }, "no \(address) in \(known)",
                            sourceLocation: sourceLocation)
    }

    // MARK: packages sugar

    @Test func packagesExpandToOneResourcePerPackage() throws {
        let config = try load("""
            tend: 1
            resources:
              - type: apt
                packages: [git, curl,
                  ripgrep]
                version: "1.*"
                tags: [base]
              - type: pip
                packages:
                  - httpie
                user: true
            """)
        #expect(config.allResources.map(\.address.description) == ["apt:git", "apt:curl", "apt:ripgrep", "pip:httpie"])
        let curl = try resource(config, "apt:curl")
        #expect(curl.parameters == ["name": .string("curl"), "version": .string("1.*")])
        #expect(curl.tags == ["base"])
        #expect(curl.location.description == "tend.yaml:4:21")
        #expect(curl.parameterLocations["name"]?.description == "tend.yaml:4:21")
        #expect(curl.parameterLocations["version"]?.description == "tend.yaml:6:14")
        #expect(try resource(config, "apt:ripgrep").location.description == "tend.yaml:5:7")
        let httpie = try resource(config, "pip:httpie")
        #expect(httpie.parameters == ["name": .string("httpie"), "user": .bool(true)])
        #expect(httpie.location.description == "tend.yaml:10:9")
    }

    @Test func aListVariableFillsPackages() throws {
        let config = try load("""
            tend: 1
            vars:
              tools: [jq, tmux]
            resources:
              - type: apt
                packages: ${vars.tools}
            """)
        #expect(config.allResources.map(\.address.description) == ["apt:jq", "apt:tmux"])
        #expect(config.variables["tools"] == .list([.string("jq"), .string("tmux")]))
        // Both come from one scalar, so both point at it.
        #expect(config.allResources.map(\.location.description) == ["tend.yaml:6:15", "tend.yaml:6:15"])
    }

    // MARK: interpolation

    @Test func interpolatesVariablesEnvironmentAndHostFacts() throws {
        let config = try load("""
            tend: 1
            vars:
              editor: ${env.EDITOR}
              greeting: hello ${host.user}
              nested: ${vars.greeting} on ${host.hostname}
              count: 3
            resources:
              - type: env
                name: EDITOR
                value: ${vars.editor}
              - type: env
                name: GREETING
                value: "${vars.nested} (${host.os}/${host.distro} ${host.distroVersion} ${host.arch}) in ${host.home}"
              - type: env
                name: MAIL
                value: ${env.GIT_EMAIL:-nobody@example.com}
              - type: env
                name: NAME
                value: ${env.GIT_NAME:-A. Developer}
              - type: env
                name: EMPTY_DEFAULT
                value: ${env.EMPTY:-fallback}
              - type: env
                name: EMPTY_KEPT
                value: "[${env.EMPTY}]"
              - type: env
                name: LITERAL
                value: echo $${HOME} costs $5 and $$ stays
              - type: git-clone
                repository: https://example.com/me/dotfiles.git
                directory: ~/src/dotfiles
                depth: ${vars.count}
            """)
        func value(_ name: String) throws -> Value? { try resource(config, "env:\(name)").parameters["value"] }
        #expect(try value("EDITOR") == .string("vim"))
        #expect(try value("GREETING") == .string("hello me on testhost (linux/debian 12 x86_64) in /home/me"))
        #expect(try value("MAIL") == .string("me@example.com"))
        #expect(try value("NAME") == .string("A. Developer"))
        #expect(try value("EMPTY_DEFAULT") == .string("fallback"))
        #expect(try value("EMPTY_KEPT") == .string("[]"))
        #expect(try value("LITERAL") == .string("echo ${HOME} costs $5 and $$ stays"))
        #expect(try resource(config, "git-clone:~/src/dotfiles").parameters["depth"] == .int(3))
    }

    @Test func variablesMayReferToLaterVariables() throws {
        let config = try load("""
            tend: 1
            vars:
              clone: ${vars.src}/dotfiles
              src: ~/src
            resources:
              - type: directory
                path: ${vars.clone}
            """)
        #expect(config.allResources.map(\.address.description) == ["directory:~/src/dotfiles"])
        #expect(config.variables["clone"] == .string("~/src/dotfiles"))
    }

    // MARK: paths and addresses

    @Test func tildeIsExpandedAndAddressesUseIt() throws {
        let config = try load("""
            tend: 1
            resources:
              - type: file
                path: ~/.gitignore_global
                content: x
              - type: directory
                path: /home/me/src/../code/
              - type: directory
                path: /var/tmp/tend
              - type: symlink
                path: ~/.vimrc
                target: ./dotfiles/vimrc
              - type: file
                path: dotfiles/local.conf
                source: ~/shared/local.conf
              - type: directory
                path: "~"
              - type: script
                id: after
                check: "true"
                create: "true"
                dependsOn: ["file:/home/me/.gitignore_global", "directory:~/code/", "directory:/home/me"]
            """)
        #expect(config.allResources.map(\.address.description) == [
            "file:~/.gitignore_global", "directory:~/code", "directory:/var/tmp/tend", "symlink:~/.vimrc",
            "file:/work/dotfiles/local.conf", "directory:~", "script:after",
        ])
        #expect(try resource(config, "file:~/.gitignore_global").parameters["path"] == .string("/home/me/.gitignore_global"))
        #expect(try resource(config, "directory:~/code").parameters["path"] == .string("/home/me/code"))
        let link = try resource(config, "symlink:~/.vimrc")
        #expect(link.parameters["target"] == .string("/work/dotfiles/vimrc"))
        #expect(link.baseDirectory == "/work")
        #expect(try resource(config, "file:/work/dotfiles/local.conf").parameters["source"]
                == .string("/home/me/shared/local.conf"))
        #expect(try resource(config, "script:after").dependsOn.map(\.description)
                == ["file:~/.gitignore_global", "directory:~/code", "directory:~"])
    }

    @Test func twoSpellingsOfOnePathAreOneAddress() {
        let result = fixedLoader().load(text: """
            tend: 1
            resources:
              - type: directory
                path: ~/src
              - type: directory
                path: /home/me/./src/
            """, path: "tend.yaml")
        #expect(result.diagnostics.map(\.message) == ["duplicate resource directory:~/src: also declared at tend.yaml:3:5"])
        #expect(result.config == nil)
    }

    @Test func idOverridesTheAddressKey() throws {
        let config = try load("""
            tend: 1
            resources:
              - type: file
                id: work-gitconfig
                path: ~/work/.gitconfig
                content: x
              - type: file
                id: home-gitconfig
                path: ~/.gitconfig
                content: y
            """)
        #expect(config.allResources.map(\.address.description) == ["file:work-gitconfig", "file:home-gitconfig"])
    }

    // MARK: when

    @Test func whenMatchesTheHost() throws {
        let config = try load("""
            tend: 1
            resources:
              - { type: alias, name: linux, value: x, when: { os: linux } }
              - { type: alias, name: mac, value: x, when: { os: macos } }
              - { type: alias, name: darwin, value: x, when: { os: darwin } }
              - { type: alias, name: debian-or-ubuntu, value: x, when: { distro: [ubuntu, debian] } }
              - { type: alias, name: fedora, value: x, when: { distro: fedora } }
              - { type: alias, name: amd64, value: x, when: { arch: amd64 } }
              - { type: alias, name: x86, value: x, when: { arch: x86_64 } }
              - { type: alias, name: arm, value: x, when: { arch: [arm64, aarch64] } }
              - { type: alias, name: host, value: x, when: { hostname: testhost } }
              - { type: alias, name: editor-set, value: x, when: { env: [EDITOR] } }
              - { type: alias, name: editor-vim, value: x, when: { env: { EDITOR: vim } } }
              - { type: alias, name: editor-emacs, value: x, when: { env: { EDITOR: emacs } } }
              - { type: alias, name: unset, value: x, when: { env: [GIT_NAME] } }
              - { type: alias, name: empty, value: x, when: { env: [EMPTY] } }
              - { type: alias, name: all, value: x, when: { os: linux, distro: debian, arch: amd64, env: [USER] } }
              - { type: alias, name: one-wrong, value: x, when: { os: linux, distro: ubuntu } }
            """)
        let active = config.allResources.filter(\.isActive).map(\.address.key)
        #expect(active == ["linux", "debian-or-ubuntu", "amd64", "x86", "host", "editor-set", "editor-vim", "all"])
        #expect(config.resources.map(\.address.key) == active)
        #expect(config.allResources.count == 16)
    }

    @Test func whenOnAnArmMac() throws {
        var mac = fixedHost
        (mac.os, mac.distro, mac.arch) = ("macos", "macos", "arm64")
        let config = try load("""
            tend: 1
            resources:
              - { type: brew, name: a, when: { os: darwin, arch: aarch64 } }
              - { type: brew, name: b, when: { os: macos, arch: arm64 } }
              - { type: brew, name: c, when: { arch: x86_64 } }
            """, host: mac)
        #expect(config.resources.map(\.address.key) == ["a", "b"])
    }

    @Test func resourcesThatDoNotApplyMayShareAnAddressAndBeDependedOn() throws {
        let config = try load("""
            tend: 1
            resources:
              - { type: alias, name: ls, value: ls --color, when: { os: linux } }
              - { type: alias, name: ls, value: ls -G, when: { os: macos } }
              - { type: brew, name: coreutils, when: { os: macos } }
              - { type: alias, name: gls, value: gls, dependsOn: [brew:coreutils] }
            """)
        #expect(try #require(config.resource(Address(type: "alias", key: "ls"))).parameters["value"] == .string("ls --color"))
        #expect(config.resources.count == 2)
    }

    // MARK: includes

    @Test func includesAreRelativeToTheIncludingFileAndRootVarsWin() throws {
        let directory = try TemporaryDirectory()
        try directory.write("tend.yaml", """
            tend: 1
            include: [shell/aliases.yaml]
            vars:
              editor: nvim
            resources:
              - type: env
                name: EDITOR
                value: ${vars.editor}
            """)
        try directory.write("shell/aliases.yaml", """
            include: common.yaml
            vars:
              editor: vim
              pager: less
            resources:
              - type: alias
                name: e
                value: ${vars.editor}
              - type: symlink
                path: ~/.inputrc
                target: ./inputrc
            """)
        try directory.write("shell/common.yaml", """
            resources:
              - type: env
                name: PAGER
                value: ${vars.pager}
            """)
        let result = fixedLoader(workingDirectory: directory.path).load(path: "tend.yaml")
        #expect(result.diagnostics.isEmpty, "\(rendered(result))")
        let config = try #require(result.config)
        #expect(config.files == ["tend.yaml", "shell/aliases.yaml", "shell/common.yaml"])
        #expect(config.rootPath == directory.path + "/tend.yaml")
        #expect(config.allResources.map(\.address.description) == ["env:PAGER", "alias:e", "symlink:~/.inputrc", "env:EDITOR"])
        #expect(config.allResources.map(\.parameters["value"]) == [.string("less"), .string("nvim"), nil, .string("nvim")])
        let link = try resource(config, "symlink:~/.inputrc")
        #expect(link.parameters["target"] == .string(directory.path + "/shell/inputrc"))
        #expect(link.location.description == "shell/aliases.yaml:9:5")
        #expect(Set(result.sources.keys) == Set(config.files))
    }

    @Test func aFileIncludedTwiceIsReadOnce() throws {
        let directory = try TemporaryDirectory()
        try directory.write("tend.yaml", "tend: 1\ninclude: [a.yaml, b.yaml]\n")
        try directory.write("a.yaml", "include: [common.yaml]\n")
        try directory.write("b.yaml", "include: [./common.yaml]\n")
        try directory.write("common.yaml", "resources: [{ type: apt, name: git }]\n")
        let result = fixedLoader(workingDirectory: directory.path).load(path: "tend.yaml")
        #expect(result.diagnostics.isEmpty, "\(rendered(result))")
        #expect(result.config?.allResources.map(\.address.description) == ["apt:git"])
    }

    @Test func theDigestFollowsTheBytes() throws {
        let text = "tend: 1\nresources: [{ type: apt, name: git }]\n"
        let first = try load(text).digest
        #expect(first.hasPrefix("sha256:") && first.count == "sha256:".count + 64)
        #expect(try load(text).digest == first)
        #expect(try load(text + "# a comment\n").digest != first)
    }

    // MARK: sensitive values and outputs

    @Test func sensitiveNamesComeFromTheSchemaAndTheUser() throws {
        let config = try load("""
            tend: 1
            resources:
              - type: ssh-key
                path: ~/.ssh/id_ed25519
                passphrase: ${env.EDITOR}
              - type: env
                name: TOKEN
                value: s3cret
                sensitive: [value]
            """)
        let key = try resource(config, "ssh-key:~/.ssh/id_ed25519")
        #expect(key.sensitive == ["passphrase"])
        #expect(key.displayValue("passphrase") == "(sensitive)")
        let token = try resource(config, "env:TOKEN")
        #expect(token.sensitive == ["value"])
        #expect(token.displayValue("value") == "(sensitive)")
        #expect(token.displayValue("name") == "\"TOKEN\"")
        #expect(token.parameters["value"] == .string("s3cret"))
    }

    @Test func outputReferencesAreKeptAndRecorded() throws {
        let config = try load("""
            tend: 1
            resources:
              - type: file
                path: ~/.config/fingerprint
                content: "key ${outputs.ssh-key:~/.ssh/id_ed25519.fingerprint} at ${outputs.git-clone:/home/me/src/x.commit}"
              - type: ssh-key
                path: ~/.ssh/id_ed25519
              - type: git-clone
                repository: https://example.com/x.git
                directory: ~/src/x
            """)
        let file = try resource(config, "file:~/.config/fingerprint")
        #expect(file.parameters["content"]
                == .string("key ${outputs.ssh-key:~/.ssh/id_ed25519.fingerprint} at ${outputs.git-clone:/home/me/src/x.commit}"))
        #expect(file.outputReferences == [
            OutputReference(address: Address(type: "ssh-key", key: "~/.ssh/id_ed25519"), key: "fingerprint", parameter: "content"),
            OutputReference(address: Address(type: "git-clone", key: "~/src/x"), key: "commit", parameter: "content"),
        ])
        #expect(file.dependsOn.isEmpty)
        let graph = DependencyGraph(resources: config.resources, catalog: BuiltinSchemas.catalog)
        #expect(graph.dependencies(of: file.address) == [Address(type: "ssh-key", key: "~/.ssh/id_ed25519"),
                                                     Address(type: "git-clone", key: "~/src/x")])
    }

    @Test func outputsCannotBeUsedInVariables() {
        let result = fixedLoader().load(text: """
            tend: 1
            vars:
              fp: ${outputs.ssh-key:~/.ssh/id.fingerprint}
            resources: []
            """, path: "tend.yaml")
        #expect(result.diagnostics.map(\.message) == ["outputs are known only at apply time and cannot be used here"])
    }

    // MARK: meta-parameters

    @Test func metaParameters() throws {
        let config = try load("""
            tend: 1
            resources:
              - type: apt
                name: git
                retry: { attempts: 5, backoff: 2s }
                timeout: 90s
                tags: [base, vcs]
              - type: apt
                name: curl
                retry: { attempts: 2 }
                timeout: 5m
                tags: base
                ensure: absent
              - type: apt
                name: jq
                timeout: 1.5
                retry: { backoff: 250ms }
              - type: apt
                name: vim
                timeout: 1h
                dependsOn: apt:git
            """)
        let git = try resource(config, "apt:git")
        #expect(git.retry == ResourceSpec.RetryPolicy(attempts: 5, backoff: 2))
        #expect(git.timeout == 90)
        #expect(git.tags == ["base", "vcs"])
        #expect(git.ensure == .present)
        let curl = try resource(config, "apt:curl")
        #expect(curl.retry == ResourceSpec.RetryPolicy(attempts: 2, backoff: 1))
        #expect(curl.timeout == 300)
        #expect(curl.tags == ["base"])
        #expect(curl.ensure == .absent)
        let jq = try resource(config, "apt:jq")
        #expect(jq.timeout == 1.5)
        #expect(jq.retry == ResourceSpec.RetryPolicy(attempts: 3, backoff: 0.25))
        let vim = try resource(config, "apt:vim")
        #expect(vim.timeout == 3600)
        #expect(vim.retry == nil)
        #expect(vim.dependsOn == [Address(type: "apt", key: "git")])
        #expect(vim.dependsOnLocations.map(\.1.description) == ["tend.yaml:21:16"])
    }

    @Test func ensureAbsentNeedsOnlyTheKey() throws {
        let config = try load("""
            tend: 1
            resources:
              - { type: alias, name: old, ensure: absent }
              - { type: symlink, path: ~/.old, ensure: absent }
              - { type: file, path: ~/.old-file, ensure: absent }
            """)
        #expect(config.allResources.map(\.ensure) == [.absent, .absent, .absent])
    }

    @Test func scalarsAreTypedByTheSchema() throws {
        let config = try load("""
            tend: 1
            resources:
              - { type: file, path: ~/a, content: "1", mode: "0600" }
              - { type: file, path: ~/b, content: 2, mode: 644 }
              - { type: file, path: ~/c, content: true, mode: 0o755 }
              - { type: brew, name: code, cask: true }
              - { type: git-config, key: core.autocrlf, value: false }
              - { type: script, id: s, check: "true", create: "true", environment: { A: 1, B: x } }
            """)
        #expect(try resource(config, "file:~/a").parameters["mode"] == .string("0600"))
        #expect(try resource(config, "file:~/b").parameters["mode"] == .string("0644"))
        #expect(try resource(config, "file:~/b").parameters["content"] == .string("2"))
        #expect(try resource(config, "file:~/c").parameters["mode"] == .string("0755"))
        #expect(try resource(config, "file:~/c").parameters["content"] == .string("true"))
        #expect(try resource(config, "brew:code").parameters["cask"] == .bool(true))
        #expect(try resource(config, "git-config:core.autocrlf").parameters["value"] == .string("false"))
        #expect(try resource(config, "script:s").parameters["environment"] == .map(["A": .string("1"), "B": .string("x")]))
    }

    // MARK: the examples

    @Test(arguments: ["examples/minimal.yaml", "examples/workstation.yaml"])
    func examplesLoad(path: String) throws {
        let result = fixedLoader(workingDirectory: packageRoot.path).load(path: path)
        #expect(result.diagnostics.isEmpty, "\(rendered(result))")
        let config = try #require(result.config)
        #expect(!config.resources.isEmpty)
    }

    /// A large config is decoded in two halves on two threads; what one half learns about broken resources
    /// must still quiet follow-on errors in the other.
    @Test func aLargeConfigReportsEachProblemOnceWhicheverHalfItIsIn() {
        var text = "tend: 1\nresources:\n"
        text += "  - type: script\n    id: uses-a-broken-file\n    check: 'true'\n    create: 'true'\n"
        text += "    dependsOn: [file:~/broken]\n"
        for index in 0..<500 {
            text += "  - type: apt\n    name: package-\(index)\n"
        }
        text += "  - type: file\n    path: [not, a, path]\n    content: x\n"
        text += "  - type: file\n    path: ~/a\n    content: x\n    mode: \"0968\"\n"
        text += "  - type: script\n    id: uses-a-missing-apt\n    check: 'true'\n    create: 'true'\n"
        text += "    dependsOn: [apt:package-9999]\n"
        let result = fixedLoader().load(text: text, path: "tend.yaml")
        let messages = result.diagnostics.map(\.message)
        #expect(messages.count == 3, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("parameter 'path' of type file expects") })
        #expect(messages.contains { $0.hasPrefix("parameter 'mode' of type file expects") })
        #expect(messages.contains { $0.hasPrefix("script:uses-a-missing-apt depends on apt:package-9999") })
        // Sorted by place in the file, as ever.
        let lines = result.diagnostics.compactMap { $0.location?.mark.line }
        #expect(lines == lines.sorted())
    }

    @Test func duplicateKeysInALargeMapping() {
        var text = "tend: 1\nvars:\n"
        for index in 0..<20 { text += "  v\(index): \(index)\n" }
        text += "  v3: again\nresources: []\n"
        let result = fixedLoader().load(text: text, path: "tend.yaml")
        #expect(result.diagnostics.map(\.message) == ["duplicate key 'v3' (first written at 6:3)"])
    }

    @Test func theWorkstationExample() throws {
        let result = fixedLoader(workingDirectory: packageRoot.path).load(path: "examples/workstation.yaml")
        let config = try #require(result.config, "\(rendered(result))")
        #expect(config.allResources.count == 21)
        // The clone applies only where DOTFILES_REPO is set.
        #expect(config.resources.count == 20)
        #expect(try resource(config, "git-config:user.email").parameters["value"] == .string("me@example.com"))
        #expect(try resource(config, "git-config:user.name").parameters["value"] == .string("A. Developer"))
        #expect(try resource(config, "symlink:~/.vimrc").parameters["target"]
                == .string(packageRoot.path + "/examples/dotfiles/vimrc"))
        #expect(try resource(config, "script:hello-script").dependsOn == [Address(type: "directory", key: "~/.local/bin")])
    }
}

/// A directory under the system's temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tend-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // Resolve symlinks (macOS /var -> /private/var) so that paths compare as the loader prints them.
        path = url.resolvingSymlinksInPath().path
    }

    func write(_ relativePath: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// `keep:` as the loader reads it: a boolean meta-parameter, true by default for ssh keys only.
@Suite struct KeepLoadingTests {
    @Test func keepIsReadAndSshKeysAreKeptByDefault() throws {
        let result = fixedLoader().load(text: """
            tend: 1
            resources:
              - { type: file, path: ~/a, content: "a", keep: true }
              - { type: file, path: ~/b, content: "b" }
              - { type: ssh-key, path: ~/.ssh/id_a }
              - { type: ssh-key, path: ~/.ssh/id_b, keep: false }
            """, path: "tend.yaml")
        let config = try #require(result.config, "\(rendered(result))")
        #expect(config.allResources.map(\.keep) == [true, false, true, false])
    }

    @Test func keepMustBeABoolean() {
        let result = fixedLoader().load(text: "tend: 1\nresources:\n  - { type: file, path: ~/a, content: a, keep: maybe }\n",
                                        path: "tend.yaml")
        #expect(rendered(result).contains("tend.yaml:3:48: error: 'keep' must be true or false, found 'maybe'"),
                "\(rendered(result))")
    }
}
