import Foundation
import Testing
import TendTestSupport

/// What apply would refuse, refused first by the built binary: `validate` for values written in the config,
/// `plan` (and so `apply`) for what only the host shows; exit 1 and no planned change either way.
@Suite struct BadValueEndToEndTests {
    @Test func validateAndPlanRefuseEveryValueApplyWouldRefuseWhereItIsWritten() async throws {
        let home = try TemporaryHome()
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: env
                name: MY-VAR
                value: x
              - type: alias
                name: bad alias
                value: ls
              - type: git-config
                key: nodot
                value: x
              - type: apt
                name: Bad_Pkg!
              - type: file
                path: ~/.vimrc
                source: ${env.DOTFILES}/vimrc
              - type: env
                name: USERNAME
                value: root
            """)
        let tend = TendBinary(home: home, environment: ["DOTFILES": home.path + "/dotfiles"])
        let validate = try await tend.run(["validate"])
        #expect(validate.status == 1)
        #expect(validate.stdout.isEmpty)
        let headlines = validate.stderr.split(separator: "\n").filter { $0.hasPrefix("tend.yaml:") }
        #expect(headlines == [
            "tend.yaml:4:11: error: variable name 'MY-VAR' is not a shell name: use letters, digits and _, not starting with a digit",
            "tend.yaml:7:11: error: alias name 'bad alias' is not a plain word: use letters, digits and _ . : + - (not first)",
            "tend.yaml:10:10: error: 'nodot' is not a git config key (write section.name)",
            "tend.yaml:13:11: error: 'Bad_Pkg!' is not a Debian package name (letters, digits, '+', '-', '.', and ':arch'), so tend does not pass it to apt-get",
            "tend.yaml:16:13: error: source ~/dotfiles/vimrc of file:~/.vimrc does not exist",
            "tend.yaml:18:11: error: env name 'USERNAME' is special to zsh: setting it changes the shell's user id; choose another name",
        ], "\(validate.stderr)")
        #expect(validate.stderr.hasSuffix("6 errors in tend.yaml\n"))

        let plan = try await tend.run(["plan", "--detailed-exitcode"])
        #expect(plan.status == 1)
        #expect(plan.stdout.isEmpty, "a plan with bad values must show no change: \(plan.stdout)")
        #expect(plan.stderr == validate.stderr)
    }

    @Test func hostilePipAndPipxNamesNeverReachPipUnderAnyCommand() async throws {
        let home = try TemporaryHome()
        let marker = NSTemporaryDirectory() + "tend-e2e-pip-\(UUID().uuidString)"
        // A project whose setup.py leaves a mark: `-e` would run it.
        try home.write("project/setup.py", "open(\(String(reflecting: marker + "-setup")), 'w').write('ran')\n")
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: pip
                packages: ["--log=\(marker)", "-e\(home.path)/project"]
              - type: pipx
                name: "--log=\(marker)-pipx"
            """)
        let tend = TendBinary(home: home)
        for arguments in [["validate"], ["plan"], ["apply", "--yes"]] {
            let output = try await tend.run(arguments)
            #expect(output.status == 1, "\(arguments): \(output.stdout)\(output.stderr)")
            #expect(output.stderr.contains("tend.yaml:4:16: error: pip name '--log=\(marker)' starts with '-', which pip would read as an option"),
                    "\(arguments): \(output.stderr)")
            #expect(output.stderr.contains("error: pip name '-e\(home.path)/project' starts with '-'"))
            #expect(output.stderr.contains("tend.yaml:6:11: error: pipx name '--log=\(marker)-pipx' starts with '-'"))
        }
        for path in [marker, marker + "-setup", marker + "-pipx"] {
            #expect(!FileManager.default.fileExists(atPath: path), "\(path) was created")
        }
    }

    @Test func aDirectoryWithFilesInTheWayFailsPlanAndApplyAndIsLeftAlone() async throws {
        let home = try TemporaryHome()
        try home.write("full/keep.txt", "mine\n")
        try home.write("tend.yaml", """
            tend: 1
            resources:
              - type: file
                path: ~/full
                content: "x\\n"
              - type: env
                name: EDITOR
                value: vim
            """)
        let tend = TendBinary(home: home)
        #expect(try await tend.run(["validate"]).status == 0, "the config itself is valid")
        let plan = try await tend.run(["plan"])
        #expect(plan.status == 1)
        #expect(plan.stdout.isEmpty, "no planned change: \(plan.stdout)")
        #expect(plan.stderr == """
            tend.yaml:4:11: error: ~/full is a directory; tend will not replace it with a file
                  path: ~/full
                        ^
              hint: move or remove what is there yourself (tend never deletes your files), or choose another path
            1 error in tend.yaml, found while planning; nothing was changed

            """)
        let apply = try await tend.run(["apply", "--yes"])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("tend.yaml:4:11: error: ~/full is a directory; tend will not replace it with a file"))
        #expect(try String(contentsOfFile: home.path + "/full/keep.txt", encoding: .utf8) == "mine\n")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/.config/tend/profile.sh"),
                "nothing else is applied either")
    }
}
