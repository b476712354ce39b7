import Testing
import TendCore
import TendYAML

/// `tend import --merge`: items go at the end of the root `resources:` list and no other byte changes.
@Suite struct ConfigMergeTests {
    let item = "- type: apt\n  name: hello\n"

    func merged(_ text: String) throws -> String {
        try ConfigMerge.appending(to: text, path: "tend.yaml") { indent in
            item.split(separator: "\n").map { indent + $0 + "\n" }.joined()
        }
    }

    /// Removing the inserted text from the result gives the original back, byte for byte.
    func expectOnlyInsertion(_ before: String, _ after: String, inserted: String) {
        guard let range = after.range(of: inserted) else {
            Issue.record("the items are not in the result:\n\(after)")
            return
        }
        var rest = after
        rest.removeSubrange(range)
        #expect(rest == before)
    }

    @Test func appendsAtTheEndOfABlockListBeforeTheNextKeyAndItsComments() throws {
        let before = """
        # my machine
        tend: 1
        resources:
            - type: file   # dotfile
              path: ~/.x
              content: "x"

        # variables used above
        vars:
          a: 1

        """
        let after = try merged(before)
        let inserted = "    - type: apt\n      name: hello\n"
        expectOnlyInsertion(before, after, inserted: inserted)
        #expect(after.contains("content: \"x\"\n" + inserted + "\n# variables used above"))
        #expect(try Parser().parse(after)?["resources"]?.sequence?.count == 2)
    }

    @Test func appendsAtTheEndOfTheFileWhenResourcesIsTheLastKey() throws {
        let before = "tend: 1\nresources:\n- type: file\n  path: ~/.x\n  content: x\n"
        let after = try merged(before)
        expectOnlyInsertion(before, after, inserted: item)
        #expect(try Parser().parse(after)?["resources"]?.sequence?.count == 2)
    }

    @Test func addsALineEndWhenTheFileLacksOne() throws {
        let before = "tend: 1\nresources:\n  - type: file\n    path: ~/.x\n    content: x"
        let after = try merged(before)
        #expect(after == before + "\n  - type: apt\n    name: hello\n")
    }

    @Test func turnsAnEmptyFlowListIntoABlockList() throws {
        let after = try merged("tend: 1   # format\nresources: []  # nothing yet\nvars: {}\n")
        #expect(after == "tend: 1   # format\nresources:  # nothing yet\n  - type: apt\n    name: hello\nvars: {}\n")
    }

    @Test func addsAResourcesKeyWhenThereIsNone() throws {
        #expect(try merged("tend: 1\n") == "tend: 1\nresources:\n  - type: apt\n    name: hello\n")
        #expect(try merged("") == "resources:\n  - type: apt\n    name: hello\n")
    }

    @Test func fillsAnEmptyResourcesKey() throws {
        #expect(try merged("tend: 1\nresources:\nvars:\n  a: 1\n")
                == "tend: 1\nresources:\n  - type: apt\n    name: hello\nvars:\n  a: 1\n")
    }

    @Test func refusesAFlowListWithItemsAndSaysWhatToDo() {
        #expect(throws: ConfigMergeError.flowList(path: "tend.yaml", line: 2)) {
            try merged("tend: 1\nresources: [{type: apt, name: git}]\n")
        }
    }

    @Test func refusesTextThatIsNotAConfigMapping() {
        #expect(throws: ConfigMergeError.notAMapping(path: "tend.yaml")) { try merged("- a\n- b\n") }
        #expect(throws: ConfigMergeError.notAList(path: "tend.yaml", line: 2)) { try merged("tend: 1\nresources: 3\n") }
    }
}

/// What `tend import` writes reads back as the same values.
@Suite struct ImportWriterTests {
    let schema = TypeSchema(
        name: "pkg", summary: "a package",
        parameters: [ParameterSchema("name", .string, key: true, summary: "name"),
                     ParameterSchema("user", .bool, summary: "user")],
        acceptsPackageList: true, example: "")

    @Test func groupsPackagesThatDifferOnlyInTheirKeyAndQuotesWhatWouldNotReadBackAsAString() throws {
        let found = ImportedType(name: "pkg", schema: schema, resources: [
            DiscoveredResource(parameters: ["name": .string("yes")]),
            DiscoveredResource(parameters: ["name": .string("0755")]),
            DiscoveredResource(parameters: ["name": .string("solo"), "user": .bool(true)]),
        ], problem: nil)
        let text = try ImportWriter.config([found], header: ["a comment"])
        #expect(text.hasPrefix("# a comment\ntend: 1\nresources:\n"))
        let root = try #require(try Parser().parse(text))
        let items = try #require(root["resources"]?.sequence)
        #expect(items.count == 2)
        let packages = items[0]["packages"]?.sequence?.compactMap(\.scalar)
        #expect(packages?.map(\.value) == ["yes", "0755"])
        #expect(packages?.allSatisfy { $0.style != .plain } == true)
        #expect(items[1]["name"]?.scalar?.value == "solo")
        #expect(items[1]["user"]?.scalar == Scalar("true"))
    }

    @Test func aTypeWithNothingFoundWritesAnEmptyList() throws {
        let text = try ImportWriter.config([ImportedType(name: "pkg", schema: schema, resources: [], problem: nil)],
                                           header: [])
        #expect(text == "tend: 1\nresources: []\n")
    }
}
