import TendCore

/// One shipped type with what its recorded list output must read as, and the argv of a sample create and destroy.
struct CatalogCase: Sendable, CustomStringConvertible {
    var name: String
    var os = "linux"
    /// The list command the type runs for `resources` (with list parameters filled in).
    var listArgv: [String]
    /// Resources that refresh against the recorded output: those in `present` and those in `absent`.
    var resources: [[(String, String)]]
    /// Key -> fields the observation must report.
    var present: [String: [String: String]]
    var absent: [String]
    /// A resource that is not installed, and what creating it runs.
    var create: [(String, String)]
    var createArgv: [String]
    /// A resource that is installed and should not be (`ensure: absent`), and what removing it runs.
    var destroy: [(String, String)]
    var destroyArgv: [String]

    var description: String { name }
    var key: String { create.first!.0 }
}

extension CatalogCase {
    /// Every shipped type. Recorded outputs are in Fixtures/recorded/NAME.txt with their source in the header.
    static let all: [CatalogCase] = [
        CatalogCase(
            name: "npm", listArgv: ["npm", "ls", "--global", "--depth=0", "--json"],
            resources: [[("name", "tend-tiny")], [("name", "typescript")]],
            present: ["tend-tiny": ["version": "1.0.0"]], absent: ["typescript"],
            create: [("name", "typescript"), ("version", "5.*")],
            createArgv: ["npm", "install", "--global", "--no-fund", "--no-audit", "typescript@5.*"],
            destroy: [("name", "tend-tiny")], destroyArgv: ["npm", "uninstall", "--global", "tend-tiny"]),
        CatalogCase(
            name: "pnpm", listArgv: ["pnpm", "ls", "--global", "--depth=0", "--json"],
            resources: [[("name", "typescript")], [("name", "@typescript/native-preview")], [("name", "prettier")]],
            present: ["typescript": ["version": "5.9.3"],
                      "@typescript/native-preview": ["version": "7.0.0-dev.20251212.1"]],
            absent: ["prettier"],
            create: [("name", "prettier")], createArgv: ["pnpm", "add", "--global", "prettier"],
            destroy: [("name", "tldr")], destroyArgv: ["pnpm", "remove", "--global", "tldr"]),
        CatalogCase(
            name: "yarn", listArgv: ["yarn", "global", "list", "--no-progress"],
            resources: [[("name", "@vue/cli")], [("name", "create-react-app")], [("name", "serve")]],
            present: ["@vue/cli": ["version": "3.0.1"], "create-react-app": ["version": "1.5.2"]], absent: ["serve"],
            create: [("name", "serve"), ("version", "14.*")],
            createArgv: ["yarn", "global", "add", "--no-progress", "serve@14.*"],
            destroy: [("name", "@vue/cli")], destroyArgv: ["yarn", "global", "remove", "--no-progress", "@vue/cli"]),
        CatalogCase(
            name: "cargo", listArgv: ["cargo", "install", "--list"],
            resources: [[("name", "tinycrate")], [("name", "ripgrep")]],
            present: ["tinycrate": ["version": "0.1.0"]], absent: ["ripgrep"],
            create: [("name", "ripgrep"), ("version", "14.*"), ("locked", "true")],
            createArgv: ["cargo", "install", "--locked", "--version", "14.*", "ripgrep"],
            destroy: [("name", "tinycrate")], destroyArgv: ["cargo", "uninstall", "tinycrate"]),
        CatalogCase(
            name: "rustup-toolchain", listArgv: ["rustup", "toolchain", "list"],
            resources: [[("name", "stable")], [("name", "nightly")], [("name", "1.84.0")]],
            present: ["stable": [:], "nightly": [:]], absent: ["1.84.0"],
            create: [("name", "1.84.0"), ("profile", "minimal")],
            createArgv: ["rustup", "toolchain", "install", "--no-self-update", "--profile", "minimal", "1.84.0"],
            destroy: [("name", "nightly")], destroyArgv: ["rustup", "toolchain", "uninstall", "nightly"]),
        CatalogCase(
            name: "rustup-component",
            listArgv: ["rustup", "component", "list", "--installed", "--toolchain", "nightly"],
            resources: [[("name", "clippy"), ("toolchain", "nightly")], [("name", "rust-std"), ("toolchain", "nightly")],
                        [("name", "rust-src"), ("toolchain", "nightly")]],
            present: ["clippy": ["toolchain": "nightly"], "rust-std": [:]], absent: ["rust-src"],
            create: [("name", "rust-src"), ("toolchain", "nightly")],
            createArgv: ["rustup", "component", "add", "--toolchain", "nightly", "rust-src"],
            destroy: [("name", "clippy"), ("toolchain", "nightly")],
            destroyArgv: ["rustup", "component", "remove", "--toolchain", "nightly", "clippy"]),
        CatalogCase(
            name: "go-install", listArgv: ["go", "version", "-m", "/home/me/go/bin"],
            resources: [[("name", "example.com/tendtiny"), ("binary", "tendtiny")],
                        [("name", "golang.org/x/tools/gopls"), ("binary", "gopls")]],
            present: ["example.com/tendtiny": [:]], absent: ["golang.org/x/tools/gopls"],
            create: [("name", "golang.org/x/tools/gopls"), ("binary", "gopls"), ("version", "v0.16.2")],
            createArgv: ["go", "install", "golang.org/x/tools/gopls@v0.16.2"],
            destroy: [("name", "example.com/tendtiny"), ("binary", "tendtiny")],
            destroyArgv: ["rm", "-f", "--", "/home/me/go/bin/tendtiny"]),
        CatalogCase(
            name: "gem", listArgv: ["gem", "list", "--local"],
            resources: [[("name", "tend-tiny")], [("name", "bundler")], [("name", "debug")], [("name", "rubocop")]],
            present: ["tend-tiny": ["version": "0.1.0"], "bundler": ["version": "2.3.7"], "debug": ["version": "1.4.0"]],
            absent: ["rubocop"],
            create: [("name", "rubocop"), ("version", "1.66.1")],
            createArgv: ["gem", "install", "--no-document", "--version", "1.66.1", "rubocop"],
            destroy: [("name", "tend-tiny")],
            destroyArgv: ["gem", "uninstall", "--all", "--executables", "--ignore-dependencies", "tend-tiny"]),
        CatalogCase(
            name: "uv-tool", listArgv: ["uv", "tool", "list", "--color", "never"],
            resources: [[("name", "PyCowSay")], [("name", "ruff")]],
            present: ["PyCowSay": ["version": "0.0.0.2"]], absent: ["ruff"],
            create: [("name", "ruff"), ("version", "0.6.*"), ("python", "3.12")],
            createArgv: ["uv", "tool", "install", "--color", "never", "--python", "3.12", "ruff==0.6.*"],
            destroy: [("name", "pycowsay")], destroyArgv: ["uv", "tool", "uninstall", "--color", "never", "pycowsay"]),
        CatalogCase(
            name: "conda", listArgv: ["conda", "list", "--name", "base", "--json"],
            resources: [[("name", "biopython")], [("name", "blas")], [("name", "numpy")]],
            present: ["biopython": ["version": "1.78", "environment": "base"], "blas": ["version": "1.0"]],
            absent: ["numpy"],
            create: [("name", "numpy"), ("version", "1.26.*"), ("channel", "conda-forge")],
            createArgv: ["conda", "install", "--yes", "--quiet", "--name", "base", "--channel", "conda-forge",
                         "numpy=1.26.*"],
            destroy: [("name", "blas")], destroyArgv: ["conda", "remove", "--yes", "--quiet", "--name", "base", "blas"]),
        CatalogCase(
            name: "dnf", listArgv: ["rpm", "-qa", "--queryformat", #"%{NAME}\t%{VERSION}-%{RELEASE}\n"#],
            resources: [[("name", "tend-tiny")], [("name", "libtend++")], [("name", "ripgrep")]],
            present: ["tend-tiny": ["version": "1.0.0-1"], "libtend++": ["version": "2.12.1-4.fc40"]],
            absent: ["ripgrep"],
            create: [("name", "ripgrep"), ("version", "14.1.0-1.fc40")],
            createArgv: ["dnf", "install", "--assumeyes", "--quiet", "ripgrep-14.1.0-1.fc40"],
            destroy: [("name", "tend-tiny")], destroyArgv: ["dnf", "remove", "--assumeyes", "--quiet", "tend-tiny"]),
        CatalogCase(
            name: "zypper", listArgv: ["rpm", "-qa", "--queryformat", #"%{NAME}\t%{VERSION}-%{RELEASE}\n"#],
            resources: [[("name", "tend-tiny")], [("name", "ripgrep")]],
            present: ["tend-tiny": ["version": "1.0.0-1"]], absent: ["ripgrep"],
            create: [("name", "ripgrep"), ("version", "14.1.0-1.2")],
            createArgv: ["zypper", "--non-interactive", "--quiet", "install", "ripgrep=14.1.0-1.2"],
            destroy: [("name", "libtend++")],
            destroyArgv: ["zypper", "--non-interactive", "--quiet", "remove", "libtend++"]),
        CatalogCase(
            name: "pacman", listArgv: ["pacman", "-Q", "--color", "never"],
            resources: [[("name", "acl")], [("name", "archlinux-keyring")], [("name", "ripgrep")]],
            present: ["acl": ["version": "2.2.52-4"], "archlinux-keyring": ["version": "20180108-1"]],
            absent: ["ripgrep"],
            create: [("name", "ripgrep")],
            createArgv: ["pacman", "-S", "--needed", "--noconfirm", "--noprogressbar", "ripgrep"],
            destroy: [("name", "acl")], destroyArgv: ["pacman", "-R", "--noconfirm", "--noprogressbar", "acl"]),
        CatalogCase(
            name: "apk", listArgv: ["apk", "info", "-v"],
            resources: [[("name", "musl")], [("name", "busybox")], [("name", "git")]],
            present: ["musl": ["version": "1.1.16-r14"], "busybox": ["version": "1.26.2-r7"]], absent: ["git"],
            create: [("name", "git"), ("version", "2.45.2-r0")],
            createArgv: ["apk", "add", "--quiet", "--no-progress", "git=2.45.2-r0"],
            destroy: [("name", "busybox")], destroyArgv: ["apk", "del", "--quiet", "--no-progress", "busybox"]),
        CatalogCase(
            name: "snap", listArgv: ["snap", "list", "--color=never", "--unicode=never"],
            resources: [[("name", "core22")], [("name", "openthread-border-router")], [("name", "otbr-gadget")],
                        [("name", "jq")]],
            present: ["core22": ["version": "20231123"],
                      "openthread-border-router": ["version": "thread-reference-20230119+snap"],
                      "otbr-gadget": ["version": "test"]],
            absent: ["jq"],
            create: [("name", "code"), ("classic", "true"), ("channel", "latest/stable")],
            createArgv: ["snap", "install", "--classic", "--channel=latest/stable", "code"],
            destroy: [("name", "core22")], destroyArgv: ["snap", "remove", "core22"]),
        CatalogCase(
            name: "flatpak", listArgv: ["flatpak", "list", "--app", "--columns=application,branch,origin,installation"],
            resources: [[("name", "org.tend.Tiny")], [("name", "org.gnome.Calculator")]],
            present: ["org.tend.Tiny": ["branch": "stable", "remote": "tendlocal", "installation": "user"]],
            absent: ["org.gnome.Calculator"],
            create: [("name", "org.gnome.Calculator"), ("remote", "flathub")],
            createArgv: ["flatpak", "install", "--noninteractive", "--user", "flathub", "org.gnome.Calculator"],
            destroy: [("name", "org.tend.Tiny")],
            destroyArgv: ["flatpak", "uninstall", "--noninteractive", "--user", "org.tend.Tiny"]),
        CatalogCase(
            name: "flatpak-remote", listArgv: ["flatpak", "remotes", "--columns=name,url,options"],
            resources: [[("name", "tendlocal"), ("url", "file:///home/me/repo")],
                        [("name", "flathub"), ("url", "https://dl.flathub.org/repo/")]],
            present: ["tendlocal": ["url": "file:///home/me/repo", "installation": "user"]], absent: ["flathub"],
            create: [("name", "flathub"), ("url", "https://dl.flathub.org/repo/"),
                     ("from", "https://dl.flathub.org/repo/flathub.flatpakrepo")],
            createArgv: ["flatpak", "remote-add", "--if-not-exists", "--user", "--from", "flathub",
                         "https://dl.flathub.org/repo/flathub.flatpakrepo"],
            destroy: [("name", "tendlocal"), ("url", "file:///home/me/repo")],
            destroyArgv: ["flatpak", "remote-delete", "--user", "tendlocal"]),
        CatalogCase(
            name: "mise", listArgv: ["mise", "ls", "--global", "--json"],
            resources: [[("name", "tiny"), ("version", "3")], [("name", "dummy"), ("version", "ref:master")],
                        [("name", "node")]],
            present: ["tiny": ["version": "3"], "dummy": ["version": "ref:master"]], absent: ["node"],
            create: [("name", "node"), ("version", "22")],
            createArgv: ["mise", "use", "--global", "--yes", "node@22"],
            destroy: [("name", "tiny")], destroyArgv: ["mise", "use", "--global", "--yes", "--remove", "tiny"]),
        CatalogCase(
            name: "asdf-plugin", listArgv: ["asdf", "plugin", "list", "--urls"],
            resources: [[("name", "java")], [("name", "nodejs")], [("name", "python")]],
            present: ["java": ["url": "https://github.com/halcyon/asdf-java.git"],
                      "nodejs": ["url": "https://github.com/asdf-vm/asdf-nodejs.git"]],
            absent: ["python"],
            create: [("name", "python")], createArgv: ["asdf", "plugin", "add", "python"],
            destroy: [("name", "java")], destroyArgv: ["asdf", "plugin", "remove", "java"]),
        CatalogCase(
            name: "asdf-version", listArgv: ["asdf", "list", "nodejs"],
            resources: [[("version", "18.20.4"), ("plugin", "nodejs")], [("version", "22.5.0"), ("plugin", "nodejs")],
                        [("version", "22.11.0"), ("plugin", "nodejs")]],
            present: ["18.20.4": ["plugin": "nodejs"], "22.5.0": [:]], absent: ["22.11.0"],
            create: [("version", "22.11.0"), ("plugin", "nodejs")],
            createArgv: ["asdf", "install", "nodejs", "22.11.0"],
            destroy: [("version", "20.11.1"), ("plugin", "nodejs")],
            destroyArgv: ["asdf", "uninstall", "nodejs", "20.11.1"]),
        CatalogCase(
            name: "pyenv-version", listArgv: ["pyenv", "versions", "--bare", "--skip-aliases"],
            resources: [[("version", "3.12.1")], [("version", "2.7.18")], [("version", "3.14.0")]],
            present: ["3.12.1": [:], "2.7.18": [:]], absent: ["3.14.0"],
            create: [("version", "3.14.0")], createArgv: ["pyenv", "install", "--skip-existing", "3.14.0"],
            destroy: [("version", "3.6.15")], destroyArgv: ["pyenv", "uninstall", "--force", "3.6.15"]),
        CatalogCase(
            name: "vscode-extension", listArgv: ["code", "--list-extensions", "--show-versions"],
            resources: [[("name", "ms-python.python")], [("name", "MS-Python.VSCode-Pylance")],
                        [("name", "esbenp.prettier-vscode")]],
            present: ["ms-python.python": ["version": "2021.9.1246542782"],
                      "MS-Python.VSCode-Pylance": ["version": "2021.9.3"]],
            absent: ["esbenp.prettier-vscode"],
            create: [("name", "esbenp.prettier-vscode"), ("version", "11.0.0")],
            createArgv: ["code", "--force", "--install-extension", "esbenp.prettier-vscode@11.0.0"],
            destroy: [("name", "ms-python.python")],
            destroyArgv: ["code", "--uninstall-extension", "ms-python.python"]),
        CatalogCase(
            name: "cursor-extension", listArgv: ["cursor", "--list-extensions", "--show-versions"],
            resources: [[("name", "tamasfe.even-better-toml")], [("name", "esbenp.prettier-vscode")]],
            present: ["tamasfe.even-better-toml": ["version": "0.14.2"]], absent: ["esbenp.prettier-vscode"],
            create: [("name", "esbenp.prettier-vscode")],
            createArgv: ["cursor", "--force", "--install-extension", "esbenp.prettier-vscode"],
            destroy: [("name", "tamasfe.even-better-toml")],
            destroyArgv: ["cursor", "--uninstall-extension", "tamasfe.even-better-toml"]),
        CatalogCase(
            name: "gh-extension", listArgv: ["gh", "extension", "list"],
            resources: [[("name", "dlvhdr/gh-dash")], [("name", "yusukebe/gh-markdown-preview")],
                        [("name", "seachicken/gh-poi")]],
            present: ["dlvhdr/gh-dash": ["version": "v4.16.2"], "yusukebe/gh-markdown-preview": ["version": "59901e94"]],
            absent: ["seachicken/gh-poi"],
            create: [("name", "seachicken/gh-poi"), ("version", "v0.12.0")],
            createArgv: ["gh", "extension", "install", "seachicken/gh-poi", "--pin", "v0.12.0"],
            destroy: [("name", "dlvhdr/gh-dash")], destroyArgv: ["gh", "extension", "remove", "dlvhdr/gh-dash"]),
        CatalogCase(
            name: "helm-plugin", listArgv: ["helm", "plugin", "list"],
            resources: [[("name", "2to3"), ("url", "https://github.com/helm/helm-2to3")],
                        [("name", "linter"), ("url", "https://github.com/example/helm-linter")],
                        [("name", "diff"), ("url", "https://github.com/databus23/helm-diff")]],
            present: ["2to3": ["version": "0.1.0"], "linter": ["version": "0.1.1"]], absent: ["diff"],
            create: [("name", "diff"), ("url", "https://github.com/databus23/helm-diff"), ("ref", "v3.9.11")],
            createArgv: ["helm", "plugin", "install", "https://github.com/databus23/helm-diff", "--version", "v3.9.11"],
            destroy: [("name", "edit"), ("url", "https://github.com/mstrzele/helm-edit")],
            destroyArgv: ["helm", "plugin", "uninstall", "edit"]),
        CatalogCase(
            name: "krew-plugin", listArgv: ["kubectl", "krew", "list"],
            resources: [[("name", "konfig")], [("name", "foo/ctx")], [("name", "ns")]],
            present: ["konfig": [:], "foo/ctx": [:]], absent: ["ns"],
            create: [("name", "ns")], createArgv: ["kubectl", "krew", "install", "ns"],
            destroy: [("name", "konfig")], destroyArgv: ["kubectl", "krew", "uninstall", "konfig"]),
        CatalogCase(
            name: "brew-tap", os: "macos", listArgv: ["brew", "tap"],
            resources: [[("name", "homebrew/core")], [("name", "Mistydemeo/TigerBrew")], [("name", "hashicorp/tap")]],
            present: ["homebrew/core": [:], "Mistydemeo/TigerBrew": [:]], absent: ["hashicorp/tap"],
            create: [("name", "hashicorp/tap")], createArgv: ["brew", "tap", "hashicorp/tap"],
            destroy: [("name", "dunn/emacs")], destroyArgv: ["brew", "untap", "dunn/emacs"]),
        CatalogCase(
            name: "mas", os: "macos", listArgv: ["mas", "list"],
            resources: [[("name", "12345")], [("name", "67890")], [("name", "497799835")]],
            present: ["12345": ["title": "Awesome App", "version": "19.2.1"],
                      "67890": ["title": "Even Better App", "version": "1.2.0"]],
            absent: ["497799835"],
            create: [("name", "497799835")], createArgv: ["mas", "install", "497799835"],
            destroy: [("name", "12345")], destroyArgv: ["mas", "uninstall", "12345"]),
    ]
}
