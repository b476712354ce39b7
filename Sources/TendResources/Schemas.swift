import TendCore

/// The schemas of the built-in types (DESIGN section 2), one per type, in the order `tend types` lists them.
public enum BuiltinSchemas {
    /// Every type a config may name, in the registry's order: these fourteen, then the types that keep their schema
    /// in their own file.
    public static var all: [TypeSchema] {
        BuiltinTypes.registry.all.filter { !($0 is any ImpliedResourceType) }.map(\.schema)
    }

    public static var catalog: SchemaCatalog { SchemaCatalog(all) }

    static let apt = TypeSchema(
        name: "apt", summary: "a Debian or Ubuntu package, installed with apt-get",
        parameters: [
            ParameterSchema("name", .string, key: true, summary: "the package name", example: "ripgrep"),
            ParameterSchema("version", .string, comparison: .versionPattern,
                            summary: "the version to hold; '*' and '?' match any text (\"15.*\")", example: "\"15.*\""),
        ],
        acceptsPackageList: true,
        example: """
        - type: apt
          packages: [git, curl, ripgrep]
        - type: apt
          name: postgresql-client
          version: "15.*"
        """,
        valueCheck: BuiltinChecks.apt)

    static let brew = TypeSchema(
        name: "brew", summary: "a Homebrew formula or cask",
        parameters: [
            ParameterSchema("name", .string, key: true, summary: "the formula or cask name", example: "ripgrep"),
            ParameterSchema("cask", .bool, default: .bool(false), modifiable: false,
                            summary: "true for a cask (a macOS application)", example: "true"),
            ParameterSchema("version", .string, comparison: .versionPattern,
                            summary: "the version the installed one must match", example: "\"14.*\""),
        ],
        acceptsPackageList: true,
        example: """
        - type: brew
          packages: [git, ripgrep]
        - type: brew
          name: visual-studio-code
          cask: true
        """,
        valueCheck: BuiltinChecks.brew)

    static let pip = TypeSchema(
        name: "pip", summary: "a Python package, installed with python3 -m pip",
        parameters: [
            ParameterSchema("name", .string, key: true, summary: "the distribution name on PyPI", example: "httpie"),
            ParameterSchema("version", .string, comparison: .versionPattern,
                            summary: "the version to install; '*' and '?' match any text", example: "\"3.*\""),
            ParameterSchema("python", .string, default: .string("python3"), modifiable: false,
                            summary: "the interpreter whose pip installs the package", example: "python3.11"),
            ParameterSchema("user", .bool, default: .bool(false), modifiable: false,
                            summary: "install into the user's site-packages (pip --user)", example: "true"),
        ],
        acceptsPackageList: true,
        example: """
        - type: pip
          packages: [httpie, black]
          user: true
        """,
        valueCheck: BuiltinChecks.pip)

    static let pipx = TypeSchema(
        name: "pipx", summary: "a Python application in its own virtual environment, installed with pipx",
        parameters: [
            ParameterSchema("name", .string, key: true, summary: "the package name on PyPI", example: "poetry"),
            ParameterSchema("version", .string, comparison: .versionPattern,
                            summary: "the version to install; '*' and '?' match any text", example: "\"1.8.*\""),
            ParameterSchema("python", .string, modifiable: false,
                            summary: "the interpreter pipx builds the environment with", example: "python3.11"),
        ],
        acceptsPackageList: true,
        example: """
        - type: pipx
          packages: [poetry, ruff]
        """,
        valueCheck: BuiltinChecks.pipx)

    static let ownership: [ParameterSchema] = [
        ParameterSchema("owner", .string, summary: "the owning user's name (applied when tend runs as root)",
                        example: "me"),
        ParameterSchema("group", .string, summary: "the owning group's name (applied when tend runs as root)",
                        example: "staff"),
    ]

    static let file = TypeSchema(
        name: "file", summary: "a file with the given content, or a copy of a source file",
        parameters: [
            ParameterSchema("path", .path, key: true, summary: "where the file goes", example: "~/.gitignore_global"),
            ParameterSchema("content", .string, summary: "the file's exact text", example: "\".DS_Store\\n\""),
            ParameterSchema("source", .path,
                            summary: "a file whose bytes to copy, relative to the config file", example: "./dotfiles/tmux.conf"),
            ParameterSchema("mode", .mode, summary: "permission bits in octal", example: "\"0644\""),
        ] + ownership,
        rules: [.mutuallyExclusive(["content", "source"]), .oneRequired(["content", "source"])],
        example: """
        - type: file
          path: ~/.gitignore_global
          content: |
            .DS_Store
            *.swp
          mode: "0644"
        """,
        valueCheck: BuiltinChecks.file)

    static let directory = TypeSchema(
        name: "directory", summary: "a directory, with its parents",
        parameters: [
            ParameterSchema("path", .path, key: true, summary: "the directory", example: "~/src"),
            ParameterSchema("mode", .mode, summary: "permission bits in octal", example: "\"0755\""),
        ] + ownership,
        example: """
        - type: directory
          path: ~/src
          mode: "0755"
        """)

    static let symlink = TypeSchema(
        name: "symlink", summary: "a symbolic link to a file or directory",
        parameters: [
            ParameterSchema("path", .path, key: true, summary: "where the link goes", example: "~/.vimrc"),
            ParameterSchema("target", .path, required: true,
                            summary: "what the link points to, relative to the config file", example: "./dotfiles/vimrc"),
        ],
        example: """
        - type: symlink
          path: ~/.vimrc
          target: ./dotfiles/vimrc
        """)

    static let alias = TypeSchema(
        name: "alias", summary: "a shell alias in tend's profile file (sh, bash, zsh and fish)",
        parameters: [
            ParameterSchema("name", .string, key: true, summary: "the alias name", example: "gs"),
            ParameterSchema("value", .string, required: true, summary: "the command it stands for", example: "git status"),
        ],
        example: """
        - type: alias
          name: gs
          value: git status
        """,
        valueCheck: BuiltinChecks.alias)

    static let path = TypeSchema(
        name: "path", summary: "a directory on PATH, through tend's profile file",
        parameters: [
            ParameterSchema("directory", .path, key: true, summary: "the directory to put on PATH", example: "~/.local/bin"),
            ParameterSchema("position", .string, default: .string("prepend"), allowed: ["prepend", "append"],
                            summary: "before (prepend) or after (append) the existing PATH", example: "append"),
        ],
        example: """
        - type: path
          directory: ~/.local/bin
        """,
        valueCheck: BuiltinChecks.path)

    static let env = TypeSchema(
        name: "env", summary: "an exported environment variable, through tend's profile file",
        parameters: [
            ParameterSchema("name", .string, key: true, summary: "the variable name", example: "EDITOR"),
            Self.homeExpanding(ParameterSchema(
                "value", .string, required: true,
                summary: "its value, taken literally but for a leading ~/ (the home directory)", example: "vim")),
        ],
        example: """
        - type: env
          name: EDITOR
          value: vim
        """,
        valueCheck: BuiltinChecks.env)

    static let gitConfig = TypeSchema(
        name: "git-config", summary: "a setting in the global git configuration",
        parameters: [
            ParameterSchema("key", .string, key: true, summary: "section.name, as git config writes it", example: "user.email"),
            ParameterSchema("value", .string, required: true, summary: "the value", example: "me@example.com"),
        ],
        example: """
        - type: git-config
          key: user.email
          value: me@example.com
        """,
        valueCheck: BuiltinChecks.gitConfig)

    static let gitClone = TypeSchema(
        name: "git-clone", summary: "a git repository cloned into a directory",
        parameters: [
            ParameterSchema("directory", .path, key: true, summary: "where the clone goes", example: "~/src/dotfiles"),
            ParameterSchema("repository", .string, required: true, modifiable: false,
                            summary: "the remote URL (a change re-clones, only when the working tree is clean)",
                            example: "https://example.com/me/dotfiles.git"),
            ParameterSchema("branch", .string, summary: "the branch to check out", example: "main"),
            ParameterSchema("depth", .int, comparison: .createOnly,
                            summary: "clone only this many recent commits", example: "1"),
        ],
        impliedDependencies: [Address(type: "apt", key: "git"), Address(type: "brew", key: "git")],
        example: """
        - type: git-clone
          repository: https://example.com/me/dotfiles.git
          directory: ~/src/dotfiles
          branch: main
        """,
        valueCheck: BuiltinChecks.gitClone)

    static let sshKey = TypeSchema(
        name: "ssh-key", summary: "an SSH key pair made with ssh-keygen; never overwrites an existing key",
        parameters: [
            ParameterSchema("path", .path, key: true, summary: "the private key file", example: "~/.ssh/id_ed25519"),
            ParameterSchema("keyType", .string, default: .string("ed25519"), allowed: ["ed25519", "rsa", "ecdsa"],
                            modifiable: false, summary: "the key algorithm", example: "ed25519"),
            ParameterSchema("bits", .int, modifiable: false, comparison: .createOnly,
                            summary: "key size, for rsa and ecdsa", example: "4096"),
            ParameterSchema("comment", .string, summary: "the comment in the public key", example: "me@laptop"),
            ParameterSchema("passphrase", .string, sensitive: true, comparison: .createOnly,
                            summary: "protects the private key; never shown or stored", example: "${env.SSH_PASSPHRASE}"),
        ],
        impliedDependencies: [Address(type: "apt", key: "openssh-client")],
        example: """
        - type: ssh-key
          path: ~/.ssh/id_ed25519
          comment: me@laptop
        """,
        valueCheck: BuiltinChecks.sshKey, keptByDefault: true)

    static let script = TypeSchema(
        name: "script", summary: "anything a shell script can check and do",
        parameters: [
            ParameterSchema("id", .string, key: true, summary: "the name in the resource's address", example: "rustup"),
            ParameterSchema("check", .string, required: true, comparison: .createOnly,
                            summary: "shell text that exits 0 when the resource is present", example: "command -v rustup"),
            ParameterSchema("create", .string, comparison: .createOnly,
                            summary: "shell text that makes it present", example: "./scripts/install-rustup.sh"),
            ParameterSchema("modify", .string, comparison: .createOnly,
                            summary: "shell text run when the resource is present but its inputs changed"),
            ParameterSchema("destroy", .string, comparison: .createOnly,
                            summary: "shell text that removes it", example: "rustup self uninstall -y"),
            ParameterSchema("shell", .string, default: .string("/bin/sh"), comparison: .createOnly,
                            summary: "the shell that runs the text", example: "/bin/bash"),
            ParameterSchema("environment", .map, comparison: .createOnly,
                            summary: "variables set for the scripts", example: "{ CARGO_HOME: ~/.cargo }"),
        ],
        rules: [.oneRequired(["create"])],
        example: """
        - type: script
          id: rustup
          check: command -v rustup
          create: ./scripts/install-rustup.sh
          destroy: rustup self uninstall -y
          when: { os: linux }
        """)

    /// `parameter`, with a leading `~/` in its value standing for the home directory.
    static func homeExpanding(_ parameter: ParameterSchema) -> ParameterSchema {
        var parameter = parameter
        parameter.expandsHome = true
        return parameter
    }
}
