import Testing
import TendCore
import TendResources

/// `tend types` says which parameters are required the way the loader and the JSON Schema enforce it.
@Suite struct TypeRequirementTests {
    @Test func oneOfRulesAreShownAsRequiredWhilePresent() throws {
        let script = try #require(BuiltinSchemas.catalog["script"])
        let file = try #require(BuiltinSchemas.catalog["file"])
        #expect(script.requirement(of: try #require(script.parameter("create"))) == "required unless ensure: absent")
        #expect(script.requirement(of: try #require(script.parameter("id"))) == "required")
        #expect(script.requirement(of: try #require(script.parameter("modify"))) == "optional")
        #expect(file.requirement(of: try #require(file.parameter("content")))
                == "one of content, source is required unless ensure: absent")
    }
}
