import Testing
@testable import TendCore

@Suite struct SecretRedactorTests {
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
