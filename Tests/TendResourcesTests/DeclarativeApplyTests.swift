import Foundation
import Testing
import TendCore
import TendTestSupport
@testable import TendResources

/// Apply fills the templates and runs them: for real over coreutils, and with a scripted runner for what only
/// the argv shows (batches, root).
@Suite struct DeclarativeApplyTests {
    func type(_ text: String, name: String = "mark") throws -> DeclarativeType {
        DeclarativeType(definition: try DefinitionLoader.load(text, file: "\(name).yaml", expectedName: name,
                                                              reservedNames: []).get(), origin: .shipped)
    }

    func request(_ key: String, _ operation: ResourceOperation, type: String = "mark") -> ChangeRequest {
        let spec = ResourceSpec(address: Address(type: type, key: key), type: type, parameters: ["name": .string(key)],
                                location: SourceLocation(file: "tend.yaml", mark: .start))
        let change = ResourceChange(address: spec.address, type: type, operation: operation, parameters: [],
                                    message: "", reason: "", dependsOn: [], fingerprint: "")
        return ChangeRequest(change: change, resource: spec, observation: .absent())
    }

    @Test func createsAndDestroysForRealWithHostileNames() async throws {
        let home = try TemporaryHome()
        try home.write("marks/.keep", "")
        let type = try type(DeclarativeLoaderTests.valid)
        let names = ["plain", "two words", "it's \"q\"", "$(touch pwned)", "a;b"]
        let context = ApplyContext(host: home.host(), backups: nil)
        let created = await type.apply(names.map { request($0, .create) }, context: context)
        #expect(created.values.allSatisfy { if case .success = $0 { true } else { false } }, "\(created)")
        let listed = try FileManager.default.contentsOfDirectory(atPath: home.path + "/marks").sorted()
        #expect(listed == ([".keep"] + names).sorted())
        #expect(!FileManager.default.fileExists(atPath: home.path + "/pwned"))
        let removed = await type.apply([request("two words", .destroy), request("a;b", .destroy)], context: context)
        #expect(removed.count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.path + "/marks").sorted()
                == [".keep", "$(touch pwned)", "it's \"q\"", "plain"].sorted())
    }

    @Test func batchesCreatesIntoOneCommandAndRunsAsRootWhenTheDefinitionSaysSo() async throws {
        let runner = ScriptedProcessRunner([.init(prefix: ["touch"]), .init(prefix: ["ls"], stdout: "a\nb\n")])
        let home = try TemporaryHome()
        let text = DeclarativeLoaderTests.valid.replacingOccurrences(of: "packageList: true", with: "root: true\nlockGroup: marks")
        let type = try type(text)
        #expect(type.lockGroup == "marks" && type.batchSize == 50)
        let outcomes = await type.apply([request("a", .create), request("b", .create)],
                                        context: ApplyContext(host: home.host(runner: runner), backups: nil))
        #expect(outcomes.count == 2)
        let touches = runner.commands.filter { $0.arguments[0] == "touch" }
        #expect(touches.map(\.arguments) == [["touch", "--", home.path + "/marks/a", home.path + "/marks/b"]])
        #expect(touches.allSatisfy { $0.privileged })
        #expect(type.needsPrivilege(request("a", .create), host: home.host()))
    }

    @Test func failedBatchIsRetriedOneByOneForEachCause() async throws {
        let runner = ScriptedProcessRunner([
            .init(matching: { $0.first == "touch" && $0.count > 3 }, status: 1, stderr: "one failed"),
            .init(matching: { $0 == ["touch", "--", "/nonexistent/marks/bad"] || $0.last?.hasSuffix("/bad") == true },
                  status: 1, stderr: "no such dir"),
            .init(prefix: ["touch"]), .init(prefix: ["ls"], stdout: "good\n"),
        ])
        let home = try TemporaryHome()
        let type = try type(DeclarativeLoaderTests.valid)
        let outcomes = await type.apply([request("good", .create), request("bad", .create)],
                                        context: ApplyContext(host: home.host(runner: runner), backups: nil))
        guard case .failure(let failure)? = outcomes[Address(type: "mark", key: "bad")] else {
            Issue.record("bad should fail: \(outcomes)")
            return
        }
        #expect(failure.message.contains("could not install mark bad") && failure.message.contains("no such dir"))
        guard case .success? = outcomes[Address(type: "mark", key: "good")] else {
            Issue.record("good should succeed: \(outcomes)")
            return
        }
    }

    @Test func optionLikeValueFailsTheChangeWithoutRunning() async throws {
        let runner = ScriptedProcessRunner([.init(prefix: ["rm"])])
        let home = try TemporaryHome()
        let text = DeclarativeLoaderTests.valid.replacingOccurrences(
            of: "argv: [rm, --, \"{{host.home}}/marks/{{name}}\"]", with: "argv: [rm, \"{{name}}\"]")
        let outcomes = try await type(text).apply([request("-rf", .destroy)],
                                                  context: ApplyContext(host: home.host(runner: runner), backups: nil))
        guard case .failure(let failure)? = outcomes[Address(type: "mark", key: "-rf")] else {
            Issue.record("expected a failure: \(outcomes)")
            return
        }
        #expect(failure.message.contains("starts with '-'"))
        #expect(runner.commands.isEmpty)
    }

    @Test func sensitiveValuesStayOutOfTheShownCommand() async throws {
        let runner = ScriptedProcessRunner([.init(prefix: ["touch"]), .init(prefix: ["ls"], stdout: "a\n")])
        let home = try TemporaryHome()
        let text = DeclarativeLoaderTests.valid
            .replacingOccurrences(of: "    summary: not listed, so only used at create",
                                  with: "    summary: a token\n    sensitive: true")
            .replacingOccurrences(of: "argv: [touch, --,", with: "argv: [touch, {if: note, then: [\"--token={{note}}\"]}, --,")
        var create = request("a", .create)
        create.resource.parameters["note"] = .string("s3cret")
        _ = try await type(text).apply([create], context: ApplyContext(host: home.host(runner: runner), backups: nil))
        let touch = try #require(runner.commands.first { $0.arguments[0] == "touch" })
        #expect(touch.arguments.contains("--token=s3cret"))
        #expect(!touch.description.contains("s3cret") && touch.hidesOutput)
    }
}
