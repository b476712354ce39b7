import Testing
@testable import TendYAML

@Suite struct ParserTests {
    // MARK: Scalars

    @Test func scalarsKeepTheirStyle() throws {
        let node = try parse("""
            plain: hello world
            single: 'it''s'
            double: "tab\\there\\u00e9"
            literal: |
              line one
               indented
            folded: >
              folded
              text
            strip: |-
              no newline
            empty:
            """)
        #expect(node["plain"]?.scalar == Scalar("hello world", style: .plain))
        #expect(node["single"]?.scalar == Scalar("it's", style: .singleQuoted))
        #expect(node["double"]?.scalar == Scalar("tab\there\u{e9}", style: .doubleQuoted))
        #expect(node["literal"]?.scalar == Scalar("line one\n indented\n", style: .literal))
        #expect(node["folded"]?.scalar == Scalar("folded text\n", style: .folded))
        #expect(node["strip"]?.scalar == Scalar("no newline", style: .literal))
        #expect(node["empty"]?.scalar == Scalar("", style: .plain))
        #expect(node.keys == ["plain", "single", "double", "literal", "folded", "strip", "empty"])
    }

    @Test func multiLinePlainAndQuotedScalarsFold() throws {
        let node = try parse("""
            a: one
              two
            b: "x
              y"
            """)
        #expect(node["a"]?.scalar?.value == "one two")
        #expect(node["b"]?.scalar?.value == "x y")
    }

    @Test func untaggedScalarsHaveNoTag() throws {
        let node = try parse("a: 1\nb: 'x'\nc: ! nonspecific\n")
        #expect(node.mapping?.allSatisfy { $0.key.tag == nil && $0.value.tag == nil } == true)
        #expect(node.tag == nil)
    }

    @Test func explicitTagsAreExpanded() throws {
        let node = try parse("""
            %TAG !e! tag:example.com,2024:
            ---
            str: !!str 123
            int: !!int "7"
            custom: !custom value
            named: !e!thing x
            verbatim: !<tag:yaml.org,2002:bool> true
            map: !!map {k: v}
            seq: !!seq [a]
            """)
        #expect(node["str"]?.tag == "tag:yaml.org,2002:str")
        #expect(node["str"]?.scalar == Scalar("123", style: .plain))
        #expect(node["int"]?.tag == "tag:yaml.org,2002:int")
        #expect(node["int"]?.scalar == Scalar("7", style: .doubleQuoted))
        #expect(node["custom"]?.tag == "!custom")
        #expect(node["named"]?.tag == "tag:example.com,2024:thing")
        #expect(node["verbatim"]?.tag == "tag:yaml.org,2002:bool")
        #expect(node["map"]?.tag == "tag:yaml.org,2002:map")
        #expect(node["map"]?["k"]?.scalar?.value == "v")
        #expect(node["seq"]?.tag == "tag:yaml.org,2002:seq")
        #expect(node["seq"]?.values == ["a"])
    }

    @Test func nonSpecificTagOnACollectionIsDropped() throws {
        let node = try parse("a: ! [x]\nb: ! {k: v}\n")
        #expect(node["a"]?.tag == nil)
        #expect(node["b"]?.tag == nil)
    }

    @Test func rootCanBeAScalar() throws {
        #expect(try parse("just text\n").scalar == Scalar("just text"))
        #expect(try parse("--- \"quoted\"\n").scalar == Scalar("quoted", style: .doubleQuoted))
    }

    // MARK: Collections

    @Test func blockAndFlowSequences() throws {
        let node = try parse("""
            block:
              - a
              - b
            indentless:
            - c
            flow: [d, 'e', "f"]
            empty: []
            nested:
              - - x
                - y
              - [z]
            """)
        #expect(node["block"]?.values == ["a", "b"])
        #expect(node["indentless"]?.values == ["c"])
        #expect(node["flow"]?.values == ["d", "e", "f"])
        #expect(node["flow"]?.sequence?.map { $0.scalar!.style } == [.plain, .singleQuoted, .doubleQuoted])
        #expect(node["empty"]?.sequence == [])
        #expect(node["nested"]?.sequence?.map(\.values) == [["x", "y"], ["z"]])
    }

    @Test func mappingsKeepKeyOrder() throws {
        let keys = ["zeta", "alpha", "mu", "beta", "omega", "delta", "10", "2", "1"]
        let node = try parse(keys.map { "\($0): v" }.joined(separator: "\n"))
        #expect(node.keys == keys)
        let flow = try parse("{c: 1, a: 2, b: 3}")
        #expect(flow.keys == ["c", "a", "b"])
        #expect(flow.values == ["1", "2", "3"])
    }

    @Test func duplicateKeysAreKeptForTheDecoderToReport() throws {
        let node = try parse("a: 1\na: 2\n")
        #expect(node.keys == ["a", "a"])
        #expect(node["a"]?.scalar?.value == "1")
    }

    @Test func complexKeys() throws {
        let node = try parse("? [a, b]\n: pair\n? {k: v}\n: map\n")
        let pairs = try #require(node.mapping)
        #expect(pairs.count == 2)
        #expect(pairs[0].key.values == ["a", "b"])
        #expect(pairs[0].value.scalar?.value == "pair")
        #expect(pairs[1].key["k"]?.scalar?.value == "v")
    }

    @Test func sequenceOfMappings() throws {
        let node = try parse("""
            - type: apt
              packages: [git, curl]
            - type: file
              path: ~/.gitignore
            """)
        let items = try #require(node.sequence)
        #expect(items.map { $0["type"]?.scalar?.value } == ["apt", "file"])
        #expect(items[0]["packages"]?.values == ["git", "curl"])
        #expect(items[1]["path"]?.scalar?.value == "~/.gitignore")
    }

    // MARK: Marks

    @Test func marksAreOneBasedForNestedNodes() throws {
        let node = try parse("""
            name: demo
            resources:
              - type: apt
                packages: [git, curl]
              - type: file
                content: |
                  hi
                when: { os: linux }
            """)
        #expect(node.mark == Mark(line: 1, column: 1))
        let pairs = try #require(node.mapping)
        #expect(pairs[0].key.mark == Mark(line: 1, column: 1))
        #expect(pairs[0].value.mark == Mark(line: 1, column: 7))
        #expect(pairs[1].key.mark == Mark(line: 2, column: 1))
        let resources = try #require(node["resources"])
        #expect(resources.mark == Mark(line: 3, column: 3))
        let items = try #require(resources.sequence)
        #expect(items[0].mark == Mark(line: 3, column: 5))
        #expect(items[0].mapping?[0].key.mark == Mark(line: 3, column: 5))
        #expect(items[0]["type"]?.mark == Mark(line: 3, column: 11))
        let packages = try #require(items[0]["packages"])
        #expect(packages.mark == Mark(line: 4, column: 15))
        #expect(packages.sequence?.map(\.mark) == [Mark(line: 4, column: 16), Mark(line: 4, column: 21)])
        #expect(items[1].mark == Mark(line: 5, column: 5))
        #expect(items[1]["content"]?.mark == Mark(line: 6, column: 14))
        let when = try #require(items[1]["when"])
        #expect(when.mark == Mark(line: 8, column: 11))
        #expect(when.mapping?[0].key.mark == Mark(line: 8, column: 13))
        #expect(when["os"]?.mark == Mark(line: 8, column: 17))
    }

    @Test func marksCountCommentsBlankLinesAndDocumentMarkers() throws {
        let node = try parse("""
            # leading comment

            ---
            a: 1   # trailing
            # between

            b:
                - x
            ...
            """)
        #expect(node.mark == Mark(line: 4, column: 1))
        #expect(node["a"]?.mark == Mark(line: 4, column: 4))
        #expect(node.mapping?[1].key.mark == Mark(line: 7, column: 1))
        #expect(node["b"]?.sequence?.first?.mark == Mark(line: 8, column: 7))
    }

    @Test func marksInNestedFlowCollectionsAcrossLines() throws {
        let node = try parse("""
            matrix: [[1, 2],
                     [3, {k: [v]}]]
            """)
        let matrix = try #require(node["matrix"]?.sequence)
        #expect(node["matrix"]?.mark == Mark(line: 1, column: 9))
        #expect(matrix[0].mark == Mark(line: 1, column: 10))
        #expect(matrix[0].sequence?[1].mark == Mark(line: 1, column: 14))
        #expect(matrix[1].mark == Mark(line: 2, column: 10))
        let inner = try #require(matrix[1].sequence?[1])
        #expect(inner.mark == Mark(line: 2, column: 14))
        #expect(inner["k"]?.mark == Mark(line: 2, column: 18))
        #expect(inner["k"]?.sequence?.first?.mark == Mark(line: 2, column: 19))
    }

    @Test func columnsCountUnicodeScalarsNotBytes() throws {
        let node = try parse("ключ: значение\n🎉: x\ne\u{301}: y\n")
        let pairs = try #require(node.mapping)
        #expect(pairs[0].value.mark == Mark(line: 1, column: 7))
        #expect(pairs[1].value.mark == Mark(line: 2, column: 4))
        #expect(pairs[2].value.mark == Mark(line: 3, column: 5))
    }

    @Test func crlfLineEndingsCountAsOneLine() throws {
        let node = try parse("a: 1\r\nb:\r\n  - x\r\n")
        #expect(node["b"]?.mark == Mark(line: 3, column: 3))
        #expect(node["a"]?.scalar?.value == "1")
    }

    @Test func byteOrderMarkIsNotAColumn() throws {
        let node = try #require(try Parser().parse(bytes: [0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8)))
        #expect(node.mark == Mark(line: 1, column: 1))
        #expect(node["a"]?.mark == Mark(line: 1, column: 4))
    }

    @Test func parsingTextAndBytesAgree() throws {
        let text = "a: [1, é]\nb: {c: d}\n"
        #expect(try Parser().parse(text) == Parser().parse(bytes: Array(text.utf8)))
    }

    // MARK: Anchors and aliases

    @Test func aliasesCopyTheAnchoredNode() throws {
        let node = try parse("""
            base: &base
              image: debian
              tags: [a, b]
            copy: *base
            scalar: &s hello
            again: *s
            """)
        let base = try #require(node["base"])
        let copy = try #require(node["copy"])
        #expect(copy.withoutMarks == base.withoutMarks)
        #expect(node["again"]?.scalar == Scalar("hello"))
        // The copy starts where the alias is written; what it holds keeps the marks of the anchored text.
        #expect(copy.mark == Mark(line: 4, column: 7))
        #expect(copy["image"]?.mark == Mark(line: 2, column: 10))
        #expect(node["again"]?.mark == Mark(line: 6, column: 8))
    }

    @Test func aliasKeepsTagAndStyle() throws {
        let node = try parse("a: &x !!str 'v'\nb: *x\n")
        #expect(node["b"]?.tag == "tag:yaml.org,2002:str")
        #expect(node["b"]?.scalar == Scalar("v", style: .singleQuoted))
    }

    @Test func laterAnchorWithTheSameNameWins() throws {
        let node = try parse("a: &x 1\nb: *x\nc: &x 2\nd: *x\n")
        #expect(node.values == ["1", "1", "2", "2"])
    }

    @Test func aliasesAsKeysAndInFlowCollections() throws {
        let node = try parse("k: &k name\n*k : value\nlist: [*k, *k]\n")
        #expect(node.keys == ["k", "name", "list"])
        #expect(node["list"]?.values == ["name", "name"])
    }

    // MARK: Merge keys

    @Test func mergeOneMapping() throws {
        let node = try parse("""
            defaults: &d
              retries: 3
              timeout: 10
            job:
              <<: *d
              name: build
            """)
        let job = try #require(node["job"])
        #expect(job.keys == ["name", "retries", "timeout"])
        #expect(job.values == ["build", "3", "10"])
        #expect(job["retries"]?.mark == Mark(line: 2, column: 12))
    }

    @Test func mergeInlineMapping() throws {
        let node = try parse("job: {<<: {a: 1, b: 2}, b: 3}")
        #expect(node["job"]?.keys == ["b", "a"])
        #expect(node["job"]?.values == ["3", "1"])
    }

    @Test func mergeListEarlierMappingsWinAndExplicitKeysOverride() throws {
        let node = try parse("""
            a: &a {x: a, y: a}
            b: &b {y: b, z: b, w: b}
            c:
              z: c
              <<: [*a, *b]
              v: c
            """)
        let c = try #require(node["c"])
        #expect(c.keys == ["z", "v", "x", "y", "w"])
        #expect(c["z"]?.scalar?.value == "c")
        #expect(c["x"]?.scalar?.value == "a")
        #expect(c["y"]?.scalar?.value == "a")
        #expect(c["w"]?.scalar?.value == "b")
    }

    @Test func explicitMergeTagAndChainedMerges() throws {
        let node = try parse("""
            base: &base {a: 1}
            mid: &mid
              <<: *base
              b: 2
            top:
              !!merge <<: *mid
              c: 3
            """)
        #expect(node["top"]?.keys == ["c", "b", "a"])
        #expect(node["mid"]?.keys == ["b", "a"])
    }

    @Test func quotedOrTaggedDoubleAngleIsAnOrdinaryKey() throws {
        let node = try parse("\"<<\": x\n'<<': y\n!!str <<: z\n")
        #expect(node.keys == ["<<", "<<", "<<"])
        #expect(node.values == ["x", "y", "z"])
    }

    @Test func mergeOfEmptyListChangesNothing() throws {
        let node = try parse("a: 1\n<<: []\n")
        #expect(node.keys == ["a"])
    }

    // MARK: Streams

    @Test(arguments: ["", "\n\n", "   \n", "# only a comment\n", "# one\n  # two\n\n# three", "\u{FEFF}"])
    func streamWithoutDocumentIsNil(text: String) throws {
        #expect(try Parser().parse(text) == nil)
    }

    @Test func emptyBytesAreNil() throws {
        #expect(try Parser().parse(bytes: []) == nil)
    }

    @Test func explicitEmptyDocumentIsANullScalar() throws {
        let node = try parse("---\n")
        #expect(node.isNull)
        #expect(node.mark == Mark(line: 2, column: 1))
    }

    @Test func directivesAndDocumentEndMarkerAreOneDocument() throws {
        let node = try parse("%YAML 1.1\n---\na: 1\n...\n")
        #expect(node.keys == ["a"])
        #expect(node.mark == Mark(line: 3, column: 1))
    }

    // MARK: Size

    @Test func longListsParseWhole() throws {
        // 20,000 items once took seconds, each item copying the list built so far; only the result is asserted
        // (no timing assertions: a loaded machine must not fail it), a return to quadratic work shows as a slow test.
        let text = (0..<20_000).map { "- item\($0)" }.joined(separator: "\n")
        let node = try Parser().parse(text)
        #expect(node?.sequence?.count == 20_000)
        #expect(node?.sequence?.last?.mark == Mark(line: 20_000, column: 3))
    }

    @Test func nodeCountCountsEachNodeOnce() throws {
        // 4 nested sequences and a scalar: five nodes, however deep.
        #expect(try Parser(maxNodes: 5).parse("[[[[1]]]]") != nil)
        #expect(parseError("[[[[1]]]]", parser: Parser(maxNodes: 4)) == .tooLarge(limit: 4, mark: Mark(line: 1, column: 1)))
        // A deep document with many leaves is not mistaken for an alias bomb: 100 mappings, their 100 keys,
        // one list and its 500 items make 701 nodes, not one per leaf per level.
        let leaves = (0..<500).map { "x\($0)" }.joined(separator: ", ")
        let deep = (0..<100).map { "{k\($0): " }.joined() + "[\(leaves)]" + String(repeating: "}", count: 100)
        #expect(try Parser(maxNodes: 701).parse(deep) != nil)
        #expect(parseError(deep, parser: Parser(maxNodes: 700)) == .tooLarge(limit: 700, mark: Mark(line: 1, column: 1)))
    }

    @Test func aliasesCountEveryNodeTheyCopy() throws {
        // Root, two keys, the anchored list of three, and its copy of three.
        let text = "a: &a [1, 2]\nb: *a\n"
        #expect(try Parser(maxNodes: 9).parse(text) != nil)
        #expect(parseError(text, parser: Parser(maxNodes: 8)) == .tooLarge(limit: 8, mark: Mark(line: 1, column: 1)))
        #expect(parseError(text, parser: Parser(maxNodes: 7)) == .tooLarge(limit: 7, mark: Mark(line: 2, column: 4)))
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let depth = Parser().maxDepth
        let text = String(repeating: "[", count: depth) + "x" + String(repeating: "]", count: depth)
        var node = try parse(text)
        for _ in 1..<depth { node = try #require(node.sequence?.first) }
        #expect(node.values == ["x"])
    }
}
