import Foundation
import Testing
import TendCore
@testable import TendResources
import TendTestSupport

/// The shipped definitions as data: each loads without a problem, is documented the way `tend types NAME` shows
/// it, says what it needs (programs, OSes, lock group, root), has an example that validates, and imports what its
/// recorded list shows as resources that then plan as a no-op.
@Suite struct CatalogDefinitionTests {
    @Test(arguments: Catalog.names)
    func definitionIsCompleteAndDocumented(_ name: String) throws {
        let type = try Catalog.type(name)
        let declarative = try #require(type as? DeclarativeType)
        let schema = type.schema
        #expect(!schema.summary.isEmpty)
        #expect(declarative.typeDescription?.isEmpty == false, "\(name) has no description")
        #expect(!declarative.requiredPrograms.isEmpty, "\(name) names no program it runs")
        #expect(!declarative.operatingSystems.isEmpty, "\(name) names no OS")
        #expect(declarative.typeLockGroup != nil, "\(name) has no lock group")
        for parameter in schema.parameters {
            #expect(!parameter.summary.isEmpty, "\(name).\(parameter.name) has no summary")
            #expect(parameter.example?.isEmpty == false, "\(name).\(parameter.name) has no example")
        }
        let roles = declarative.commandTemplates.map(\.role)
        #expect(roles.contains("list") && roles.contains("create") && roles.contains("destroy"), "\(name): \(roles)")
    }

    /// The package managers that need root say so; the per-user tools do not.
    @Test func rootIsWhatTheToolNeeds() throws {
        let rooted = try Catalog.names.filter { try (Catalog.type($0) as? DeclarativeType)?.runsAsRoot == true }
        #expect(Set(rooted) == ["apk", "dnf", "pacman", "snap", "zypper"])
    }

    /// Tools that take several names in one call have a batch form for what they can batch.
    @Test func batchFormsWhereTheToolTakesSeveralNames() throws {
        let withoutCreateBatch = try Catalog.names.filter { name in
            try !((Catalog.type(name) as? DeclarativeType)?.commandTemplates.map(\.role) ?? []).contains("create (batch)")
        }
        // One name per call (uv, gh, helm, asdf, go across modules, snap with a channel, cargo with a version,
        // brew tap with a URL, flatpak remote-add).
        #expect(Set(withoutCreateBatch) == ["asdf-plugin", "asdf-version", "brew-tap", "cargo", "flatpak-remote",
                                            "gh-extension", "go-install", "helm-plugin", "snap", "uv-tool"])
    }

    @Test(arguments: Catalog.names)
    func exampleValidates(_ name: String) throws {
        let type = try Catalog.type(name)
        let item = try #require(CatalogCase.all.first { $0.name == name })
        let result = try Catalog.load(type.schema.example, type: type, host: Catalog.host(os: item.os))
        #expect(!result.hasErrors, "\(name) example:\n\(rendered(result))")
        #expect(result.config?.resources.isEmpty == false)
    }

    /// Types `tend import` cannot write: their list is per parameter value (rustup-component, conda,
    /// asdf-version), or it cannot show a required parameter (go-install's program name, helm-plugin's source).
    static let notImported: Set<String> = ["asdf-version", "conda", "go-install", "helm-plugin", "rustup-component"]

    @Test(arguments: CatalogCase.all.filter { notImported.contains($0.name) })
    func importWritesNothingItCouldNotPlan(_ item: CatalogCase) async throws {
        let importing = try #require(try Catalog.type(item.name) as? any ImportingResourceType)
        let runner = Catalog.runner(listArgv: item.listArgv, output: try Catalog.recordedOutput(item.name))
        let discovered = try await importing.inventory(
            host: Machine(facts: Catalog.host(os: item.os), runner: runner, isRoot: false))
        #expect(discovered.isEmpty, "\(item.name): \(discovered)")
    }

    /// `tend import NAME` writes what the list command shows; written into a config, those resources refresh
    /// against the same output as present with the same values, so the plan is empty.
    @Test(arguments: CatalogCase.all.filter { !notImported.contains($0.name) })
    func importedResourcesPlanAsNoOp(_ item: CatalogCase) async throws {
        let type = try Catalog.type(item.name)
        let importing = try #require(type as? any ImportingResourceType)
        let facts = Catalog.host(os: item.os)
        let output = try Catalog.recordedOutput(item.name)
        let discovered = try await importing.inventory(
            host: Machine(facts: facts, runner: Catalog.runner(listArgv: item.listArgv, output: output), isRoot: false))
        let keyName = type.schema.keyParameter.name
        let keys = Set(discovered.compactMap { $0.parameters[keyName]?.text })
        for key in item.present.keys {
            #expect(keys.contains { $0.lowercased() == key.lowercased() }, "\(item.name): \(key) not imported: \(keys)")
        }

        let entries = discovered.map { found in
            Catalog.entry(item.name, found.parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value.text) })
        }.joined()
        let config = try Catalog.config(entries, type: type, host: facts)
        let refreshRunner = Catalog.runner(listArgv: item.listArgv, output: output)
        let observations = try await type.refresh(config.resources,
                                                  host: Machine(facts: facts, runner: refreshRunner, isRoot: false))
        let plan = Planner(registry: TypeRegistry([type]), home: facts.home)
            .plan(config: config, resources: config.resources, observations: observations)
        #expect(!config.resources.isEmpty)
        #expect(plan.changes.isEmpty, "\(item.name): \(plan.changes.map { "\($0.address) \($0.operation)" })")
    }
}
