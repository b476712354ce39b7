import Testing
@testable import TendYAML

@Suite struct ParserSmokeTests {
    @Test func readsMappingWithMarks() throws {
        let node = try #require(try Parser().parse("a: 1\nb:\n  - x\n"))
        #expect(node["a"]?.scalar?.value == "1")
        #expect(node["b"]?.mark == Mark(line: 3, column: 3))
    }
}
