import Testing
@testable import TendResources

/// How `tend doctor` reads a probing shell's output: `env`, the marker, then each shell's way of listing aliases.
struct ShellSightTests {
    @Test func bashAliasesAndTheEnvironmentAreRead() throws {
        let output = "HOME=/home/me\nPATH=/home/me/bin:/usr/bin\nEMPTY=\n\(Doctor.aliasMarker)\nalias gs='git status'\nalias ll='ls -l'\n"
        let seen = try #require(ShellSight(output: output, shell: "bash"))
        #expect(seen.variables["PATH"] == "/home/me/bin:/usr/bin")
        #expect(seen.variables["EMPTY"] == "")
        #expect(seen.aliases == ["gs", "ll"])
    }

    @Test func zshAliasesWithAndWithoutQuotesAreRead() throws {
        let output = "\(Doctor.aliasMarker)\ngs='git status'\nwhich-command=whence\n'g.s'=git\n"
        let seen = try #require(ShellSight(output: output, shell: "zsh"))
        #expect(seen.aliases == ["gs", "which-command", "g.s"])
    }

    @Test func fishFunctionsOnLinesOrWithCommasAreRead() throws {
        let seen = try #require(ShellSight(output: "\(Doctor.aliasMarker)\nabbr\ngs\nll, la\n", shell: "fish"))
        #expect(seen.aliases == ["abbr", "gs", "ll", "la"])
    }

    @Test func anOutputWithoutTheMarkerMeansTheShellStoppedEarly() {
        #expect(ShellSight(output: "HOME=/home/me\n", shell: "bash") == nil)
    }
}
