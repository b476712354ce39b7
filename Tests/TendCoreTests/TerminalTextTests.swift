import Testing
@testable import TendCore

@Suite struct TerminalTextTests {
    @Test func controlCharactersBecomeVisibleEscapes() {
        #expect(TerminalText.escape("a\u{1B}[2Jb\rc\nd\u{07}e\u{7F}f\u{85}g\tz") == "a\\e[2Jb\\rc\\nd\\x07e\\x7ff\\u0085g\\tz")
        #expect(TerminalText.escape("plain ~/text, ünïcode") == "plain ~/text, ünïcode")
    }

    @Test func linesKeepTheirBreaksAndTabs() {
        #expect(TerminalText.escapeLines("one\n\ttwo\r\n\u{1B}]0;title\u{07}") == "one\n\ttwo\\r\n\\e]0;title\\x07")
    }

    @Test func secretsAreRedactedFromEveryMessage() {
        let resource = ResourceSpec(address: Address(type: "script", key: "s"), type: "script",
                                    parameters: ["environment": .map(["TOKEN": .string("s3cr3t-token"), "EMPTY": .string("")]),
                                                 "create": .string("echo hi")],
                                    sensitive: ["environment", "passphrase"],
                                    location: SourceLocation(file: "t.yaml", mark: .start))
        let redactor = SecretRedactor([resource])
        #expect(!redactor.isEmpty)
        #expect(redactor.redact("TOKEN=s3cr3t-token sh -c 'echo hi'") == "TOKEN=(sensitive) sh -c 'echo hi'")
        #expect(redactor.failureMessage("the create text exited 1:\nprinted s3cr3t-token-derived")
                == "the create text exited 1: " + SecretRedactor.outputNote)
        let short = SecretRedactor([ResourceSpec(address: Address(type: "env", key: "E"), type: "env",
                                                 parameters: ["value": .list([.string("e"), .string("see")])],
                                                 sensitive: ["value"], location: SourceLocation(file: "t.yaml", mark: .start))])
        #expect(short.redact("see the e") == "(sensitive) th(sensitive) (sensitive)")
        let plain = SecretRedactor([ResourceSpec(address: Address(type: "script", key: "p"), type: "script",
                                                 parameters: ["create": .string("x")], sensitive: ["passphrase"],
                                                 location: SourceLocation(file: "t.yaml", mark: .start))])
        #expect(plain.isEmpty)
        #expect(plain.failureMessage("a\nb") == "a\nb")
    }
}
