import Testing
import TendTestSupport
@testable import TendCore

/// A plan with one change of every kind, built by hand so that the renderers' output can be pinned.
func samplePlan() -> Plan {
    let diff = LineDiff.unified(before: "[user]\n\tname = Old\n\temail = old@example.com\n",
                                after: "[user]\n\tname = New\n\temail = new@example.com\n",
                                beforeLabel: "~/.gitconfig (current)", afterLabel: "~/.gitconfig (tend.yaml)")
    let changes = [
        ResourceChange(address: Address(type: "alias", key: "old"), type: "alias", operation: .release, parameters: [],
                       message: "Stop managing alias old (left as it is)",
                       reason: "no longer in the config, and it was there before tend", dependsOn: [],
                       fingerprint: "sha256:0"),
        ResourceChange(address: Address(type: "apt", key: "sl"), type: "apt", operation: .destroy,
                       parameters: [ParameterChange(name: "version", operation: .remove, before: .string("5.02-1+b1"), after: nil)],
                       message: "Remove package sl", reason: "ensure: absent", dependsOn: [], fingerprint: "sha256:1"),
        ResourceChange(address: Address(type: "apt", key: "ripgrep"), type: "apt", operation: .create,
                       parameters: [ParameterChange(name: "version", operation: .add, before: nil, after: .string("13.*"))],
                       message: "Install package ripgrep 13.*", reason: "not installed", dependsOn: [],
                       fingerprint: "sha256:2"),
        ResourceChange(address: Address(type: "file", key: "~/.gitconfig"), type: "file", operation: .modify,
                       parameters: [
                           ParameterChange(name: "content", operation: .modify, before: .string("[user]\n\tname = Old\n"),
                                           after: .string("[user]\n\tname = New\n")),
                           ParameterChange(name: "mode", operation: .modify, before: .string("0600"), after: .string("0644")),
                       ],
                       message: "Update ~/.gitconfig: 4 lines changed", reason: "content, mode differ",
                       dependsOn: [Address(type: "apt", key: "git")], fingerprint: "sha256:3", diff: diff),
        ResourceChange(address: Address(type: "git-clone", key: "~/src/app"), type: "git-clone", operation: .recreate,
                       parameters: [ParameterChange(name: "repository", operation: .modify, before: .string("https://a.example/x.git"),
                                                    after: .string("https://b.example/x.git"), modifiable: false)],
                       message: "Re-clone ~/src/app from https://b.example/x.git",
                       reason: "repository differs; repository cannot be changed in place", dependsOn: [],
                       fingerprint: "sha256:4"),
        ResourceChange(address: Address(type: "env", key: "TOKEN"), type: "env", operation: .create,
                       parameters: [ParameterChange(name: "value", operation: .add, before: nil,
                                                    after: .string(SHA256.digest("s3cret")), sensitive: true)],
                       message: "Set TOKEN", reason: "not set", dependsOn: [], fingerprint: "sha256:5"),
        ResourceChange(address: Address(type: "git-config", key: "user.signingkey"), type: "git-config", operation: .create,
                       parameters: [ParameterChange(name: "value", operation: .add, before: nil,
                                                    after: .string("${outputs.ssh-key:~/.ssh/id_ed25519.fingerprint}"),
                                                    knownAfterApply: true)],
                       message: "Set git config user.signingkey", reason: "not set",
                       dependsOn: [Address(type: "ssh-key", key: "~/.ssh/id_ed25519")], fingerprint: "sha256:6"),
    ]
    return Plan(configPath: "/home/me/tend.yaml", configDigest: "sha256:abc", changes: changes,
                unchanged: [Address(type: "apt", key: "git")])
}

@Suite struct PlanRendererTests {
    @Test func textReport() {
        let text = PlanTextRenderer(home: "/home/me").render(samplePlan())
        #expect(Snapshot.mismatch(text, named: "plan.txt") == nil)
        #expect(!text.contains("\u{1B}["))
    }

    @Test func colouredTextOnlyWhenAsked() {
        #expect(PlanTextRenderer(color: true, home: "/home/me").render(samplePlan()).contains("\u{1B}[1;32m+"))
    }

    @Test func markdownReport() {
        #expect(Snapshot.mismatch(PlanMarkdownRenderer().render(samplePlan()), named: "plan.md") == nil)
    }

    @Test func jsonHasTheDesignShape() {
        let json = PlanJSONRenderer().json(samplePlan())
        #expect(Snapshot.mismatch(json.pretty + "\n", named: "plan.json") == nil)
        guard case .object(let top) = json else { Issue.record("not an object"); return }
        #expect(top.map(\.0) == ["formatVersion", "configDigest", "changes", "summary"])
        let first = json["changes"]?.arrayValue?.first
        #expect(first?.objectValue?.map(\.0) == ["address", "type", "operation", "parameters", "message", "reason",
                                                   "dependsOn", "fingerprint"])
        #expect(json["summary"] == .object([("create", .int(3)), ("modify", .int(1)), ("recreate", .int(1)),
                                           ("destroy", .int(1)), ("release", .int(1)), ("unchanged", .int(1))]))
    }

    @Test func emptyPlanSaysSo() {
        let plan = Plan(configPath: "/x/tend.yaml", configDigest: "sha256:0", changes: [], unchanged: [])
        #expect(PlanTextRenderer(home: "/").render(plan) == "No changes: this machine matches tend.yaml.\n")
        #expect(PlanMarkdownRenderer().render(plan).contains("No changes: this machine matches tend.yaml."))
    }

    @Test func savedPlanKeepsDigestsNotValues() {
        let text = PlanJSONRenderer(purpose: .savedPlan).render(samplePlan())
        #expect(text.contains(SHA256.digest("s3cret")))
        #expect(!text.contains("s3cret\""))
        #expect(text.contains("\"config\": \"/home/me/tend.yaml\""))
    }
}
