import Foundation
import Testing
import TendCore
import TendTestSupport

/// The shipped types whose tools run here, for real with the built binary in a temporary HOME: plan shows the
/// install, apply installs from a local source the test makes (the public npm, crates.io, RubyGems and Go
/// registries are not reachable here; PyPI is), a second plan is a no-op, and leaving the config removes it.
/// Each tool keeps everything it writes inside the temporary HOME (NPM_CONFIG_PREFIX, CARGO_HOME, GEM_HOME,
/// GOPATH, UV_TOOL_DIR, flatpak --user), so nothing depends on what this machine already has.
@Suite(.serialized) struct CatalogEndToEndTests {
    // MARK: - npm

    @Test(.enabled(if: CatalogTools.has("npm"), "needs npm (Debian package npm)"))
    func npmInstallsALocalTarballAndRemovesIt() async throws {
        let home = try TemporaryHome()
        try home.write("pkg/package.json", """
            {"name": "tend-catalog-tiny", "version": "1.0.0", "bin": {"tend-catalog-tiny": "cli.js"}}
            """)
        try home.write("pkg/cli.js", "#!/usr/bin/env node\nconsole.log('tiny')\n", mode: 0o755)
        let prefix = home.path + "/.npm-global"
        let env = CatalogTools.environment(home, ["NPM_CONFIG_PREFIX": prefix, "NPM_CONFIG_OFFLINE": "true",
                                                  "NPM_CONFIG_UPDATE_NOTIFIER": "false"])
        try await CatalogTools.run(["npm", "pack", "--silent"], in: home.path + "/pkg", home: home, env)
        let tarball = home.path + "/pkg/tend-catalog-tiny-1.0.0.tgz"
        #expect(FileManager.default.fileExists(atPath: tarball))

        try await CatalogTools.roundTrip(
            home: home, environment: env, address: "npm:tend-catalog-tiny",
            resource: "  - type: npm\n    name: tend-catalog-tiny\n    source: ~/pkg/tend-catalog-tiny-1.0.0.tgz\n",
            installed: prefix + "/lib/node_modules/tend-catalog-tiny/package.json",
            alsoInstalled: prefix + "/bin/tend-catalog-tiny",
            outputs: "version: \"1.0.0\"")
    }

    // MARK: - cargo

    @Test(.enabled(if: CatalogTools.has("cargo"), "needs cargo (Debian package cargo, or rustup)"))
    func cargoInstallsALocalCrateOfflineAndRemovesIt() async throws {
        let home = try TemporaryHome()
        try home.write("src/tend-catalog-tiny/Cargo.toml", """
            [package]
            name = "tend-catalog-tiny"
            version = "0.1.0"
            edition = "2021"
            """)
        try home.write("src/tend-catalog-tiny/src/main.rs", "fn main() { println!(\"tiny\"); }\n")
        let cargoHome = home.path + "/.cargo"
        let env = CatalogTools.environment(home, ["CARGO_HOME": cargoHome, "CARGO_NET_OFFLINE": "true",
                                                  "CARGO_TARGET_DIR": home.path + "/target"])
        try await CatalogTools.roundTrip(
            home: home, environment: env, address: "cargo:tend-catalog-tiny",
            resource: "  - type: cargo\n    name: tend-catalog-tiny\n    path: ~/src/tend-catalog-tiny\n",
            installed: cargoHome + "/bin/tend-catalog-tiny", outputs: "version: \"0.1.0\"")
    }

    // MARK: - gem

    @Test(.enabled(if: CatalogTools.has("gem"), "needs gem (Debian package ruby)"))
    func gemInstallsALocalGemAndRemovesIt() async throws {
        let home = try TemporaryHome()
        try home.write("gemsrc/tend-catalog-tiny.gemspec", """
            Gem::Specification.new do |s|
              s.name = "tend-catalog-tiny"
              s.version = "0.1.0"
              s.summary = "a tiny gem for tend's catalog tests"
              s.authors = ["tend"]
              s.license = "MIT"
              s.files = ["lib/tend_catalog_tiny.rb"]
            end
            """)
        try home.write("gemsrc/lib/tend_catalog_tiny.rb", "module TendCatalogTiny; end\n")
        let gemHome = home.path + "/.gem-home"
        let env = CatalogTools.environment(home, ["GEM_HOME": gemHome])
        try await CatalogTools.run(["gem", "build", "tend-catalog-tiny.gemspec"], in: home.path + "/gemsrc", home: home, env)
        try await CatalogTools.roundTrip(
            home: home, environment: env, address: "gem:tend-catalog-tiny",
            resource: "  - type: gem\n    name: tend-catalog-tiny\n    source: ~/gemsrc/tend-catalog-tiny-0.1.0.gem\n",
            installed: gemHome + "/gems/tend-catalog-tiny-0.1.0/lib/tend_catalog_tiny.rb", outputs: "version: \"0.1.0\"")
    }

    // MARK: - go install

    @Test(.enabled(if: CatalogTools.has("go") && CatalogTools.has("python3"),
                   "needs go (Debian package golang) and python3 to zip the test's module"))
    func goInstallBuildsFromALocalModuleProxyAndRemovesIt() async throws {
        let home = try TemporaryHome()
        // A module proxy on disk (GOPROXY=file://...): list, .info, .mod and .zip of one version.
        let module = "example.com/tendcatalogtiny"
        let version = "v1.0.0"
        try home.write("gomod/\(module)@\(version)/go.mod", "module \(module)\n\ngo 1.19\n")
        try home.write("gomod/\(module)@\(version)/main.go",
                       "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"tiny\") }\n")
        let proxy = home.path + "/goproxy/\(module)/@v"
        try home.write("goproxy/\(module)/@v/list", version + "\n")
        try home.write("goproxy/\(module)/@v/\(version).info", "{\"Version\":\"\(version)\",\"Time\":\"2026-01-01T00:00:00Z\"}")
        try home.write("goproxy/\(module)/@v/\(version).mod", "module \(module)\n\ngo 1.19\n")
        let zipper = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1], "w") as z:
                for name in sys.argv[2:]:
                    z.write(name)
            """
        let env = CatalogTools.environment(home, ["GOPROXY": "file://" + home.path + "/goproxy", "GOSUMDB": "off",
                                                  "GOFLAGS": "-modcacherw", "GOTOOLCHAIN": "local"])
        try await CatalogTools.run(["python3", "-c", zipper, proxy + "/\(version).zip",
                                    "\(module)@\(version)/go.mod", "\(module)@\(version)/main.go"],
                                   in: home.path + "/gomod", home: home, env)
        try await CatalogTools.roundTrip(
            home: home, environment: env, address: "go-install:\(module)",
            resource: "  - type: go-install\n    name: \(module)\n    binary: tendcatalogtiny\n    version: \(version)\n",
            installed: home.path + "/go/bin/tendcatalogtiny", outputs: nil)
    }

    // MARK: - uv tool (PyPI)

    @Test(.enabled(if: CatalogTools.has("uv"), "needs uv (pip install uv); installs pycowsay from PyPI"))
    func uvToolInstallsFromPyPIAndRemovesIt() async throws {
        let home = try TemporaryHome()
        let bin = home.path + "/.uv-bin"
        let env = CatalogTools.environment(home, ["UV_TOOL_DIR": home.path + "/.uv-tools", "UV_TOOL_BIN_DIR": bin,
                                                  "UV_PYTHON_DOWNLOADS": "never", "NO_COLOR": "1"])
        try await CatalogTools.roundTrip(
            home: home, environment: env, address: "uv-tool:pycowsay",
            resource: "  - type: uv-tool\n    name: pycowsay\n", installed: bin + "/pycowsay", outputs: "version: ")
    }

    // MARK: - flatpak

    @Test(.enabled(if: CatalogTools.has("flatpak"), "needs flatpak (Debian package flatpak)"))
    func flatpakRemoteIsAddedAndDeleted() async throws {
        let home = try TemporaryHome()
        let env = CatalogTools.environment(home, [:])
        try await CatalogTools.exportRuntime(home, env)
        let repo = "file://" + home.path + "/repo"
        try await CatalogTools.roundTrip(
            home: home, environment: env, address: "flatpak-remote:tendcatalog",
            resource: "  - type: flatpak-remote\n    name: tendcatalog\n    url: \(repo)\n    gpgVerify: false\n",
            installed: home.path + "/.local/share/flatpak/repo/config", installedText: "[remote \"tendcatalog\"]",
            outputs: "url: \"\(repo)\"")
    }

    @Test(.enabled(if: CatalogTools.has("flatpak"), "needs flatpak (Debian package flatpak)"))
    func flatpakInstallsAnAppFromALocalRemoteAndRemovesIt() async throws {
        let home = try TemporaryHome()
        let env = CatalogTools.environment(home, [:])
        try await CatalogTools.exportRuntime(home, env)
        // The app: a shell script on the runtime above, built by hand as flatpak-builder would.
        try home.write("app/metadata", """
            [Application]
            name=org.tend.CatalogTiny
            runtime=org.tend.CatalogPlatform/\(CatalogTools.flatpakArch)/1
            command=tiny

            """)
        try home.write("app/files/bin/tiny", "#!/bin/sh\necho tiny\n", mode: 0o755)
        try await CatalogTools.run(["flatpak", "build-finish", "app", "--command=tiny"], in: home.path, home: home, env)
        try await CatalogTools.run(["flatpak", "build-export", "repo", "app", "stable"], in: home.path, home: home, env)
        try await CatalogTools.run(["flatpak", "remote-add", "--user", "--no-gpg-verify", "tendcatalog",
                                    "file://" + home.path + "/repo"], in: home.path, home: home, env)
        try await CatalogTools.roundTrip(
            home: home, environment: env, address: "flatpak:org.tend.CatalogTiny",
            resource: "  - type: flatpak\n    name: org.tend.CatalogTiny\n    remote: tendcatalog\n",
            installed: home.path + "/.local/share/flatpak/app/org.tend.CatalogTiny/current",
            outputs: "branch: \"stable\"")
    }
}

/// What the catalog's end-to-end tests share: finding tools, the environment they run in, and the
/// plan -> apply -> no-op -> remove -> gone round trip.
enum CatalogTools {
    static let realEnvironment = ProcessInfo.processInfo.environment

    /// True when `program` is an executable on PATH.
    static func has(_ program: String) -> Bool {
        let path = realEnvironment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
    }

    /// The tool's environment for a user whose HOME is `home`. Tools installed per user under the real HOME
    /// (rustup's toolchains, pyenv's shims for uv) keep finding their own files there.
    static func environment(_ home: TemporaryHome, _ extra: [String: String]) -> [String: String] {
        let realHome = realEnvironment["HOME"] ?? "/root"
        var env = extra
        // The machine's network settings (proxy, a site CA bundle) reach the tools, as they do for its users.
        for key in ["SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy",
                    "http_proxy", "no_proxy"] where env[key] == nil {
            env[key] = realEnvironment[key]
        }
        env["RUSTUP_HOME"] = realEnvironment["RUSTUP_HOME"] ?? realHome + "/.rustup"
        env["PYENV_ROOT"] = realEnvironment["PYENV_ROOT"] ?? realHome + "/.pyenv"
        return env
    }

    /// Runs a setup command directly (not through tend), failing the test with its output when it fails.
    static func run(_ argv: [String], in directory: String, home: TemporaryHome, _ extra: [String: String])
        async throws {
        var env = realEnvironment
        env["HOME"] = home.path
        for (key, value) in extra { env[key] = value }
        let runner = SystemProcessRunner(baseEnvironment: env, useSudo: false)
        let result = try await runner.run(Command(argv, workingDirectory: directory, timeout: 600))
        #expect(result.status == 0, "\(argv.joined(separator: " ")): \(result.output)\n\(result.errorOutput)")
        if result.status != 0 { throw CatalogTestError(message: "\(argv[0]) failed") }
    }

    static var flatpakArch: String {
        #if arch(arm64)
        return "aarch64"
        #else
        return "x86_64"
        #endif
    }

    /// A runtime made by hand and exported to `~/repo`, so that the repository has a summary and one ref.
    static func exportRuntime(_ home: TemporaryHome, _ env: [String: String]) async throws {
        try home.write("runtime/metadata", """
            [Runtime]
            name=org.tend.CatalogPlatform
            runtime=org.tend.CatalogPlatform/\(flatpakArch)/1
            sdk=org.tend.CatalogPlatform/\(flatpakArch)/1

            """)
        try home.write("runtime/files/.keep", "")
        try home.write("runtime/usr/.keep", "")
        try await run(["flatpak", "build-export", "--runtime", "repo", "runtime", "1"], in: home.path, home: home, env)
    }

    /// plan shows the create, apply makes it (the file `installed` appears), plan is then a no-op, and with the
    /// resource gone from the config apply removes it (the file is gone) and plan is a no-op again.
    static func roundTrip(home: TemporaryHome, environment: [String: String], address: String, resource: String,
                          installed: String, alsoInstalled: String? = nil, installedText: String? = nil,
                          outputs: String?) async throws {
        let tend = TendBinary(home: home, environment: environment)
        try home.write("tend.yaml", "tend: 1\nresources:\n" + resource)
        #expect(!FileManager.default.fileExists(atPath: installed) || installedText != nil)

        let plan = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stdout.contains("+ \(address)"), "\(plan.stdout)")

        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(FileManager.default.fileExists(atPath: installed), "\(installed) missing after apply:\n\(apply.stdout)")
        if let alsoInstalled { #expect(FileManager.default.fileExists(atPath: alsoInstalled)) }
        if let installedText {
            #expect((try? String(contentsOfFile: installed, encoding: .utf8))?.contains(installedText) == true)
        }
        if let outputs {
            let state = try await tend.run(["state", "show", address])
            #expect(state.stdout.contains(outputs), "\(state.stdout)")
        }

        let again = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(again.status == 0, "second plan is not a no-op:\n\(again.stdout)\n\(again.stderr)")

        try home.write("tend.yaml", "tend: 1\nresources: []\n")
        let removal = try await tend.run(["plan"])
        #expect(removal.stdout.contains("- \(address)"), "\(removal.stdout)")
        let remove = try await tend.run(["apply", "--yes"])
        #expect(remove.status == 0, "\(remove.stdout)\n\(remove.stderr)")
        if let installedText {
            #expect((try? String(contentsOfFile: installed, encoding: .utf8))?.contains(installedText) != true)
        } else {
            #expect(!FileManager.default.fileExists(atPath: installed), "\(installed) still there after removal")
        }
        let last = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(last.status == 0, "\(last.stdout)\n\(last.stderr)")
    }
}

struct CatalogTestError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
