import Testing
@testable import TendYAML

@Suite struct EmitterTests {
    /// Parses what the emitter wrote, so a test states the tree that must come back.
    private func roundTrip(_ node: Node, emitter: Emitter = Emitter(), sourceLocation: SourceLocation = #_sourceLocation) throws -> Node {
        let text = try emitter.emit(node)
        return try #require(try Parser().parse(text), "emitted no document:\n\(text)", sourceLocation: sourceLocation)
    }

    private static let config = """
        tend: 1
        include: [base.yaml]
        vars:
          bin: ~/.local/bin
        defaults: &defaults
          retry: {attempts: 3, backoff: 2.5}
        resources:
          - type: apt
            packages: [git, curl, ripgrep]
          - type: apt
            name: postgresql-client
            version: "15.*"
          - type: file
            path: ~/.gitignore_global
            content: |
              .DS_Store
              *.swp
            mode: "0644"
          - type: script
            <<: *defaults
            id: rustup
            check: command -v rustup
            create: ./scripts/install-rustup.sh
            when: { os: linux, env: { CI: 'true' } }
            note: >
              folded
              paragraph
          - type: env
            name: GREETING
            value: "héllo, wörld: \\"quoted\\"\\ttab"
            empty: ''
            nothing: ~
            tagged: !!str 42
            custom: !secret token
        """

    // MARK: Round trips

    @Test func realisticConfigRoundTrips() throws {
        let node = try parse(Self.config)
        #expect(try roundTrip(node).withoutMarks == node.withoutMarks)
        #expect(try roundTrip(node, emitter: Emitter(indent: 4)).withoutMarks == node.withoutMarks)
        #expect(try roundTrip(node, emitter: Emitter(width: 20)).withoutMarks == node.withoutMarks)
    }

    @Test func emittedTextIsStable() throws {
        let once = try Emitter().emit(try parse(Self.config))
        let twice = try Emitter().emit(try parse(once))
        #expect(once == twice)
    }

    @Test func aliasesAndMergesAreWrittenExpanded() throws {
        let node = try parse("a: &a {x: 1}\nb: *a\nc:\n  <<: *a\n  y: 2\n")
        let text = try Emitter().emit(node)
        #expect(text == "a:\n  x: 1\nb:\n  x: 1\nc:\n  y: 2\n  x: 1\n")
        #expect(try roundTrip(node).withoutMarks == node.withoutMarks)
    }

    @Test func scalarStylesRoundTrip() throws {
        let node = Node.mapping([
            Pair(.scalar("plain"), .scalar("text")),
            Pair(.scalar("single"), .scalar("it's", style: .singleQuoted)),
            Pair(.scalar("double"), .scalar("say \"hi\"\t\u{1}", style: .doubleQuoted)),
            Pair(.scalar("literal"), .scalar("line1\nline2\n", style: .literal)),
            Pair(.scalar("strip"), .scalar("a\nb", style: .literal)),
            Pair(.scalar("keep"), .scalar("a\n\n", style: .literal)),
            Pair(.scalar("indented"), .scalar("  lead\nx\n", style: .literal)),
            Pair(.scalar("folded"), .scalar("folded text\n", style: .folded)),
        ])
        #expect(try roundTrip(node).withoutMarks == node)
    }

    @Test func tagsRoundTrip() throws {
        let node = Node.mapping([
            Pair(.scalar("str"), Node(.scalar(Scalar("123")), tag: "tag:yaml.org,2002:str")),
            Pair(.scalar("quoted"), Node(.scalar(Scalar("x", style: .doubleQuoted)), tag: "tag:yaml.org,2002:str")),
            Pair(.scalar("custom"), Node(.scalar(Scalar("v")), tag: "!custom")),
            Pair(.scalar("uri"), Node(.scalar(Scalar("v")), tag: "tag:example.com,2024:thing")),
            Pair(.scalar("set"), Node(.mapping([Pair(.scalar("a"), .scalar(""))]), tag: "tag:yaml.org,2002:set")),
            Pair(.scalar("seq"), Node(.sequence([.scalar("a")]), tag: "!list")),
        ])
        #expect(try roundTrip(node).withoutMarks == node)
        #expect(try Emitter().emit(node["str"]!) == "!!str 123\n")
    }

    @Test func emptyCollectionsAndComplexKeysRoundTrip() throws {
        let node = Node.mapping([
            Pair(.scalar("list"), .sequence([])),
            Pair(.scalar("map"), .mapping([])),
            Pair(.sequence([.scalar("a"), .scalar("b")]), .scalar("seq key")),
            Pair(.mapping([Pair(.scalar("k"), .scalar("v"))]), .sequence([.sequence([.scalar("deep")])])),
        ])
        #expect(try roundTrip(node).withoutMarks == node)
    }

    @Test func deepTreeRoundTrips() throws {
        var node = Node.scalar("leaf")
        for depth in 0..<255 {
            node = depth.isMultiple(of: 2) ? .sequence([node]) : .mapping([Pair(.scalar("k"), node)])
        }
        #expect(try roundTrip(node).withoutMarks == node)
    }

    @Test func longListRoundTrips() throws {
        let node = Node.sequence((0..<2_000).map { Node.string("item \($0)") })
        #expect(try roundTrip(node).withoutMarks == node)
    }

    @Test func astralCharactersComeBackEvenThoughLibyamlEscapesThem() throws {
        // libyaml 0.2.5's emitter treats 4-byte UTF-8 (emoji) as unprintable and double-quotes them as
        // \U escapes; the value still reads back the same.
        let node = Node.mapping([Pair(.string("party"), .string("🎉 time"))])
        let back = try roundTrip(node)
        #expect(back["party"]?.scalar?.value == "🎉 time")
        #expect(try Emitter().emit(.mapping([Pair(.string("k"), .string("héllo wörld"))])) == "k: héllo wörld\n")
    }

    // MARK: Exact text

    @Test func blockLayout() throws {
        let node = Node.mapping([
            Pair(.string("name"), .string("demo")),
            Pair(.string("list"), .sequence([.string("a"), .string("b")])),
            Pair(.string("map"), .mapping([Pair(.string("k"), .string("v"))])),
            Pair(.string("items"), .sequence([.mapping([Pair(.string("a"), .string("1")), Pair(.string("b"), .string("x"))])])),
            Pair(.string("empty"), .sequence([])),
            Pair(.string("none"), .mapping([])),
        ])
        #expect(try Emitter().emit(node) == """
            name: demo
            list:
            - a
            - b
            map:
              k: v
            items:
            - a: "1"
              b: x
            empty: []
            none: {}

            """)
        #expect(try Emitter(indent: 4).emit(node).contains("map:\n    k: v\n"))
    }

    @Test func rootScalar() throws {
        #expect(try Emitter().emit(.scalar("x")) == "x\n")
        #expect(try Emitter().emit(.string("true")) == "\"true\"\n")
    }

    @Test func nullDocumentStaysADocument() throws {
        #expect(try Emitter().emit(.scalar("")) == "---\n")
        #expect(try roundTrip(.scalar("")).withoutMarks == .scalar(""))
        #expect(try roundTrip(.scalar("~")).withoutMarks == .scalar("~"))
    }

    @Test func nullKeyStaysNull() throws {
        let node = Node.mapping([Pair(.scalar(""), .scalar("v")), Pair(.scalar("", style: .singleQuoted), .scalar("w"))])
        #expect(try Emitter().emit(node) == "~: v\n'': w\n")
        let back = try roundTrip(node)
        #expect(back.mapping?[0].key.isNull == true)
        #expect(back.mapping?[1].key.scalar == Scalar("", style: .singleQuoted))
    }

    @Test func longLinesFoldOnlyWhenAsked() throws {
        let long = Array(repeating: "word", count: 40).joined(separator: " ")
        let node = Node.mapping([Pair(.string("k"), .string(long))])
        #expect(try Emitter().emit(node) == "k: \(long)\n")
        let folded = try Emitter(width: 30).emit(node)
        #expect(folded.split(separator: "\n").count > 1)
        #expect(try Parser().parse(folded)?["k"]?.scalar?.value == long)
    }

    @Test func emitterErrorIsThrownNotCrashed() {
        #expect(throws: YAMLError.syntax(message: "tag value must not be empty", mark: .start)) {
            try Emitter().emit(Node(.scalar(Scalar("x")), tag: ""))
        }
    }

    // MARK: Node.string

    static let needQuotes = [
        "yes", "Yes", "NO", "on", "Off", "y", "N", "true", "False", "TRUE", "null", "Null", "~", "",
        "1", "-1", "+7", "0x1F", "0o17", "1.0", "-2.5e3", ".5", "1e3", ".inf", "-.Inf", ".NaN",
        "a: b", "a:\tb", "key:", " lead", "trail ", "\tx", "#x", "a #b", "a\t#b",
        "- item", "-", "?", ":", "[x]", "]", "{y}", ",", "*ref", "&a", "!tag", "|", ">", "%x", "@x", "`x",
        "'q", "\"q", "multi\nline\ntext", "cr\rlf", "tab\there", "bell\u{7}", "nel\u{85}x", "ls\u{2028}x",
        "bom\u{FEFF}", "---", "...", "...more",
    ]

    static let plain = [
        "hello", "hello world", "a:b", "a-b", "it's", "say \"hi\"", "~/src", "./dotfiles/vimrc", "${vars.bin}",
        "15.*", "user.email", "https://example.com/a?b=c#frag", "git status", "é", "1_000", "0b101", "1.2.3",
        "yes please", "truely", "nullable", "0x", "0xZZ", "+", ".", "e3", "a,b", "a]b", "x: ", "中文",
    ]

    @Test(arguments: needQuotes)
    func stringThatWouldChangeMeaningIsQuoted(text: String) throws {
        #expect(ScalarResolution.needsQuotes(text))
        let node = Node.string(text)
        #expect(node.scalar?.style == .doubleQuoted)
        try expectRoundTrip(node)
    }

    @Test(arguments: plain.filter { $0 != "x: " })
    func ordinaryStringStaysPlain(text: String) throws {
        #expect(!ScalarResolution.needsQuotes(text))
        let node = Node.string(text)
        #expect(node.scalar?.style == .plain)
        try expectRoundTrip(node)
    }

    @Test func trailingSpaceAfterColonIsQuoted() {
        #expect(ScalarResolution.needsQuotes("x: "))
    }

    /// `node` comes back unchanged as a root, a mapping key, a mapping value and a list item.
    private func expectRoundTrip(_ node: Node, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let other = Node.string("other")
        let shapes: [Node] = [
            node,
            .mapping([Pair(node, other), Pair(other, node)]),
            .sequence([node, other, node]),
        ]
        for shape in shapes {
            let text = try Emitter().emit(shape)
            #expect(try Parser().parse(text)?.withoutMarks == shape, "emitted: \(text.debugDescription)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func quotedExamplesAreWrittenAsExpected() throws {
        let cases: [(String, String)] = [
            ("yes", "k: \"yes\"\n"),
            ("1.0", "k: \"1.0\"\n"),
            ("", "k: \"\"\n"),
            ("a: b", "k: \"a: b\"\n"),
            (" lead", "k: \" lead\"\n"),
            ("#x", "k: \"#x\"\n"),
            ("two\nlines", "k: \"two\\nlines\"\n"),
            ("plain words", "k: plain words\n"),
        ]
        for (value, text) in cases {
            #expect(try Emitter().emit(.mapping([Pair(.string("k"), .string(value))])) == text)
        }
    }

    @Test func randomStringsReadBackAsTheSameString() throws {
        let alphabet: [Character] = Array("ab0 1.-+:#,[]{}&*!|>'\"%@`?~\t\nxyeEo_é中\\/")
        var generator = SeededGenerator(seed: 0x5EED)
        var texts: [String] = ["true", "0o7", "1e5", "~"]
        for _ in 0..<300 {
            let length = Int.random(in: 0...8, using: &generator)
            texts.append(String((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        // Whole-word pieces as well, so numbers and keywords come up with their neighbours.
        let words = ["true", "null", "yes", "1", "0x1", ".inf", "- ", ": ", " #", "a"]
        for _ in 0..<100 {
            texts.append((0..<Int.random(in: 1...3, using: &generator)).map { _ in words.randomElement(using: &generator)! }.joined())
        }
        let node = Node.mapping(texts.enumerated().map { Pair(.string("k\($0.offset)"), .string($0.element)) })
        let asKeys = Node.mapping(Array(Set(texts)).sorted().map { Pair(.string($0), .string("v")) })
        let back = try roundTrip(node)
        let backKeys = try roundTrip(asKeys)
        for (index, text) in texts.enumerated() {
            let scalar = try #require(back.mapping?[index].value)
            #expect(scalar.scalar?.value == text)
            #expect(ScalarResolution.resolve(scalar.scalar!, tag: scalar.tag) == .string(text), "\(text.debugDescription)")
        }
        #expect(backKeys.keys == asKeys.keys)
        for pair in backKeys.mapping ?? [] {
            #expect(ScalarResolution.resolve(pair.key.scalar!, tag: pair.key.tag) == .string(pair.key.scalar!.value))
        }
    }
}
