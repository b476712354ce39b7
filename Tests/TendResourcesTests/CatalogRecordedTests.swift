import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// Every shipped type against the recorded output of its own tool (Fixtures/recorded/NAME.txt, each naming its
/// source): the list parser reads what is installed, and each operation runs the argv the definition promises,
/// with a hostile value kept as one argument. The scripted runner stands in for the tool; the real tools that run
/// on this machine are tested for real in `CatalogEndToEndTests`.
@Suite struct CatalogRecordedTests {
    @Test func everyShippedTypeHasACase() {
        #expect(Set(CatalogCase.all.map(\.name)) == Set(Catalog.names))
        #expect(Catalog.names.count == 28)
    }

    @Test(arguments: CatalogCase.all)
    func recordedListOutputReadsAsInstalled(_ item: CatalogCase) async throws {
        let type = try Catalog.type(item.name)
        let facts = Catalog.host(os: item.os)
        let config = try Catalog.config(item.resources.map { Catalog.entry(item.name, $0) }.joined(), type: type,
                                        host: facts)
        let runner = Catalog.runner(listArgv: item.listArgv, output: try Catalog.recordedOutput(item.name))
        let host = Machine(facts: facts, runner: runner, isRoot: false)
        let observations = try await type.refresh(config.resources, host: host)

        // One list command serves every resource of the type.
        #expect(runner.commands.map(\.arguments) == [item.listArgv])
        for resource in config.resources {
            let key = resource.address.key
            let observation = try #require(observations[resource.address], "\(item.name) \(key): no observation")
            if let fields = item.present[key] {
                #expect(observation.exists, "\(item.name) \(key) should read as installed: \(observation)")
                for (field, value) in fields {
                    #expect(observation.parameters[field]?.text == value,
                            "\(item.name) \(key).\(field): \(String(describing: observation.parameters[field]))")
                }
            } else {
                #expect(item.absent.contains(key))
                #expect(!observation.exists, "\(item.name) \(key) should read as absent: \(observation)")
            }
        }
    }

    @Test(arguments: CatalogCase.all)
    func createAndDestroyRunThePromisedArgv(_ item: CatalogCase) async throws {
        let type = try Catalog.type(item.name)
        let facts = Catalog.host(os: item.os)
        let entries = Catalog.entry(item.name, item.create)
            + Catalog.entry(item.name, item.destroy, extra: "ensure: absent")
        let config = try Catalog.config(entries, type: type, host: facts)
        let destroyedKey = try #require(config.resources.last?.address.key)
        let requests = Catalog.requests(config, type: type, present: [destroyedKey: .present([:])])
        #expect(requests.map(\.operation) == [.create, .destroy] || requests.map(\.operation) == [.destroy, .create])

        let runner = Catalog.runner(listArgv: item.listArgv, output: try Catalog.recordedOutput(item.name))
        let context = ApplyContext(host: Machine(facts: facts, runner: runner, isRoot: true), backups: nil)
        let outcomes = await type.apply(requests, context: context)
        for request in requests {
            guard case .success? = outcomes[request.address] else {
                Issue.record("\(item.name) \(request.address): \(String(describing: outcomes[request.address]))")
                continue
            }
        }
        let ran = runner.commands.map(\.arguments).filter { $0 != item.listArgv }
        #expect(ran == [item.destroyArgv, item.createArgv], "\(item.name) ran \(ran)")
    }

    /// A value with spaces, quotes, `;`, `$(...)` and a newline reaches the tool as one argument, whatever the
    /// template does around it. The schema's own pattern would refuse it at validate (checked below); here it is
    /// let through to see that apply still never splits or interprets it.
    @Test(arguments: CatalogCase.all)
    func hostileValueStaysOneArgument(_ item: CatalogCase) async throws {
        let type = try Catalog.type(item.name)
        let facts = Catalog.host(os: item.os)
        let hostile = "x y;$(touch /tmp/tend-pwned) `id` 'q' \"d\"\nz"
        var parameters = item.create
        parameters[0].1 = hostile
        let config = try Catalog.config(Catalog.entry(item.name, parameters), type: type, host: facts, checked: false)
        let runner = Catalog.runner(listArgv: item.listArgv, output: try Catalog.recordedOutput(item.name))
        let context = ApplyContext(host: Machine(facts: facts, runner: runner, isRoot: true), backups: nil)
        _ = await type.apply(Catalog.requests(config, type: type), context: context)
        let ran = try #require(runner.commands.map(\.arguments).first { $0 != item.listArgv })
        #expect(ran.count == item.createArgv.count, "\(item.name): \(ran)")
        let benign = item.create[0].1
        if item.createArgv.contains(where: { $0.hasPrefix(benign) }) {
            #expect(ran.contains { $0.contains(hostile) }, "\(item.name): \(ran)")
        }

        // validate refuses it before apply could see it.
        let checked = try Catalog.load(Catalog.entry(item.name, parameters), type: type, host: facts)
        #expect(checked.hasErrors, "\(item.name): the pattern of '\(item.key)' should refuse \(hostile)")
    }

    /// The types whose create argv has an argument that starts with the key's value (all but helm-plugin, which
    /// installs from `url`).
    static let keyLeadingCases = CatalogCase.all.filter { item in
        item.createArgv.contains { $0.hasPrefix(item.create[0].1) }
    }

    @Test func keyLeadsAnArgumentInAllButHelm() {
        #expect(Set(CatalogCase.all.map(\.name)).subtracting(Self.keyLeadingCases.map(\.name)) == ["helm-plugin"])
    }

    /// A value that starts with '-' would be read as an option where it leads an argument: apply refuses it
    /// and runs nothing.
    @Test(arguments: keyLeadingCases)
    func optionLikeValueIsRefused(_ item: CatalogCase) async throws {
        let type = try Catalog.type(item.name)
        let facts = Catalog.host(os: item.os)
        var parameters = item.create
        parameters[0].1 = "--tend-probe"
        let config = try Catalog.config(Catalog.entry(item.name, parameters), type: type, host: facts, checked: false)
        let runner = Catalog.runner(listArgv: item.listArgv, output: try Catalog.recordedOutput(item.name))
        let context = ApplyContext(host: Machine(facts: facts, runner: runner, isRoot: true), backups: nil)
        let requests = Catalog.requests(config, type: type)
        let outcomes = await type.apply(requests, context: context)
        guard case .failure(let failure)? = outcomes[try #require(requests.first).address] else {
            Issue.record("\(item.name): --tend-probe was not refused: \(runner.commands.map(\.arguments))")
            return
        }
        #expect("\(failure)".contains("-"), "\(failure)")
        #expect(runner.commands.allSatisfy { $0.arguments == item.listArgv })
    }
}
