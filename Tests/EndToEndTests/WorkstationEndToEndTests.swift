import Foundation
import Testing
import TendCore
import TendTestSupport

/// The README's promise: examples/workstation.yaml applies on this machine and a second plan is empty.
@Suite(.serialized) struct WorkstationEndToEndTests {
    static let packages = ["git", "curl", "ripgrep", "jq", "tmux", "vim"]

    @Test(.enabled(if: geteuid() == 0, "installs Debian packages: needs root"))
    func workstationExampleConvergesInATemporaryHome() async throws {
        try await AptTestLock.exclusively(applyWorkstation)
    }

    func applyWorkstation() async throws {
        var installedBefore: [String: Bool] = [:]
        for package in Self.packages { installedBefore[package] = try await isInstalled(package) }
        defer {
            // Put the machine back: remove what this test installed, and only that.
            let added = Self.packages.filter { installedBefore[$0] == false }
            if !added.isEmpty {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/apt-get")
                process.arguments = ["remove", "-y", "-q"] + added
                process.environment = ["DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
                process.standardOutput = FileHandle.nullDevice
                try? process.run()
                process.waitUntilExit()
            }
        }
        let home = try TemporaryHome()
        let tend = TendBinary(home: home, environment: ["SHELL": "/bin/bash"])
        let example = TendBinary.packageRoot + "/examples/workstation.yaml"
        let apply = try await tend.run(["apply", "--yes", "-c", example])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stdout.contains("Apply complete:"))
        let plan = try await tend.run(["plan", "--detailed-exitcode", "-c", example])
        #expect(plan.status == 0, "\(plan.stdout)\n\(plan.stderr)")
        // What a person would check: the shell sees the aliases and variables, the dotfiles are linked.
        let shell = try await SystemProcessRunner(baseEnvironment: tend.environment).run(Command([
            "bash", "-i", "-c", "alias gs; printf '%s\\n' \"$EDITOR\"; case \":$PATH:\" in *\":$HOME/.local/bin:\"*) echo on-path;; esac; hello-tend",
        ]))
        #expect(shell.output.contains("alias gs='git status --short --branch'"), "\(shell.output)\n\(shell.errorOutput)")
        #expect(shell.output.contains("vim\non-path\nhello from tend\n"), "\(shell.output)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: home.path + "/.vimrc")
                == TendBinary.packageRoot + "/examples/dotfiles/vimrc")
        let gitconfig = try String(contentsOfFile: home.path + "/.gitconfig", encoding: .utf8)
        #expect(gitconfig.contains("defaultBranch = main"))
    }
}
