import Testing
@testable import TendYAML

@Suite struct ErrorTests {
    // MARK: Syntax errors: the exact words a user sees, and where

    @Test func unterminatedDoubleQuotedStringPointsAtTheOpeningQuote() {
        let error = parseError("name: demo\nvalue: \"abc\nmore: x\n")
        #expect(error == .syntax(message: "unterminated quoted string, opened at 2:8", mark: Mark(line: 2, column: 8)))
    }

    @Test func unterminatedSingleQuotedString() {
        let error = parseError("list:\n  - 'open\n")
        #expect(error == .syntax(message: "unterminated quoted string, opened at 2:5", mark: Mark(line: 2, column: 5)))
    }

    @Test func tabIndentation() {
        let error = parseError("a:\n\tb: 1\n")
        #expect(error == .syntax(
            message: "found a character that cannot start any token (tabs cannot indent YAML; use spaces)",
            mark: Mark(line: 2, column: 1)))
    }

    @Test(arguments: [("@", "a: @handle\n"), ("`", "a: `cmd`\n")])
    func reservedIndicatorIsNamedWithoutTheTabHint(character: String, text: String) {
        let error = parseError(text)
        #expect(error == .syntax(
            message: "found character '\(character)' that cannot start any token (put the value in quotes)",
            mark: Mark(line: 1, column: 4)))
    }

    @Test func valueWithColonNeedsQuotes() {
        let error = parseError("a: b: c\n")
        #expect(error == .syntax(
            message: "unexpected ':' (a value on this line needs quotes, or the key needs its own line)",
            mark: Mark(line: 1, column: 5)))
    }

    @Test func unclosedFlowSequence() {
        let error = parseError("packages: [git, curl\nnext: 1\n")
        #expect(error == .syntax(
            message: "did not find expected ',' or ']' in a flow sequence that starts at 1:11",
            mark: Mark(line: 2, column: 5)))
    }

    @Test func unclosedFlowSequenceAtEndOfFile() {
        let error = parseError("packages: [git, curl\n")
        #expect(error == .syntax(
            message: "did not find expected ',' or ']' in a flow sequence that starts at 1:11",
            mark: Mark(line: 2, column: 1)))
    }

    @Test func unclosedFlowMapping() {
        let error = parseError("when: {os: linux\n")
        #expect(error == .syntax(
            message: "did not find expected ',' or '}' in a flow mapping that starts at 1:7",
            mark: Mark(line: 2, column: 1)))
    }

    @Test func badIndentation() {
        let error = parseError("a:\n  b: 1\n c: 2\n")
        #expect(error == .syntax(
            message: "did not find expected key in a block mapping that starts at 1:1",
            mark: Mark(line: 3, column: 2)))
    }

    @Test func sequenceItemAfterAMappingKey() {
        let error = parseError("- a\nb: c\n")
        #expect(error == .syntax(
            message: "did not find expected '-' indicator in a block collection that starts at 1:1",
            mark: Mark(line: 2, column: 1)))
    }

    @Test(arguments: [(0x00, 5), (0x01, 5), (0x07, 5), (0x1B, 5), (0x7F, 5)] as [(UInt32, Int)])
    func controlCharacterIsNamedAtItsPlace(code: UInt32, column: Int) throws {
        let scalar = try #require(Unicode.Scalar(code))
        let hex = String(code, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: 4 - hex.count) + hex
        let error = parseError("x: 1\r\ny: a\(Character(scalar))b\n")
        #expect(error == .syntax(
            message: "found character U+\(padded), which YAML does not allow unescaped (inside double quotes, write it as \\u\(padded))",
            mark: Mark(line: 2, column: column)))
    }

    @Test func controlCharacterAfterMultibyteText() {
        let error = parseError("é: 1\nb: \"ü\u{1}\"\n")
        #expect(error?.mark == Mark(line: 2, column: 6))
    }

    @Test func noncharacterIsRejected() {
        let error = parseError("a: \u{FFFE}\n")
        #expect(error?.mark == Mark(line: 1, column: 4))
        #expect(error?.message.hasPrefix("found character U+FFFE") == true)
    }

    // MARK: UTF-8

    @Test(arguments: [
        ([0x61, 0x3A, 0x20, 0xFF], Mark(line: 1, column: 4)),
        (Array("a: é\nb: ".utf8) + [0xE9, 0x0A], Mark(line: 2, column: 4)),  // Latin-1 é
        ([0x61, 0xC3], Mark(line: 1, column: 2)),  // truncated sequence at the end
        ([0x61, 0x3A, 0x20, 0xED, 0xA0, 0x80], Mark(line: 1, column: 4)),  // UTF-16 surrogate
        ([0x61, 0x3A, 0x20, 0xC0, 0x80], Mark(line: 1, column: 4)),  // overlong NUL
        ([0x61, 0x3A, 0x20, 0xF4, 0x90, 0x80, 0x80], Mark(line: 1, column: 4)),  // past U+10FFFF
        ([0x61, 0x0D, 0x62, 0x3A, 0x20, 0x80], Mark(line: 2, column: 4)),  // after a lone CR line break
        ([0x61, 0x0D, 0x0A, 0x62, 0x80], Mark(line: 2, column: 2)),  // after CRLF
        (Array("a: \u{2028}b".utf8) + [0xFF], Mark(line: 2, column: 2)),  // after LS, a YAML 1.1 line break
        ([0xEF, 0xBB, 0xBF, 0x61, 0x3A, 0x20, 0xFF], Mark(line: 1, column: 4)),  // the BOM is no column
    ] as [([UInt8], Mark)])
    func invalidUTF8PointsAtTheFirstBadByte(bytes: [UInt8], mark: Mark) {
        #expect(parseError(bytes: bytes) == .invalidUTF8(mark: mark))
    }

    // MARK: Tree errors

    @Test func undefinedAlias() {
        #expect(parseError("a: 1\nb: *missing\n") == .undefinedAlias(name: "missing", mark: Mark(line: 2, column: 4)))
    }

    @Test func aliasBeforeItsAnchorIsUndefined() {
        #expect(parseError("a: *x\nb: &x 1\n") == .undefinedAlias(name: "x", mark: Mark(line: 1, column: 4)))
    }

    @Test func aliasInsideItsOwnAnchorIsUndefined() {
        #expect(parseError("&a [1, *a]\n") == .undefinedAlias(name: "a", mark: Mark(line: 1, column: 8)))
        #expect(parseError("a: &m\n  self: *m\n") == .undefinedAlias(name: "m", mark: Mark(line: 2, column: 9)))
    }

    @Test func mergeOfAScalar() {
        #expect(parseError("a: 1\n<<: 3\n") == .badMerge(mark: Mark(line: 2, column: 5)))
    }

    @Test func mergeOfAScalarAliasPointsAtTheAlias() {
        #expect(parseError("s: &s text\nm:\n  <<: *s\n") == .badMerge(mark: Mark(line: 3, column: 7)))
    }

    @Test func mergeListWithANonMappingPointsAtTheItem() {
        #expect(parseError("a: &a {x: 1}\nb:\n  <<: [*a, [y]]\n") == .badMerge(mark: Mark(line: 3, column: 12)))
        #expect(parseError("a: &a {x: 1}\nb:\n  <<: [*a, ~]\n") == .badMerge(mark: Mark(line: 3, column: 12)))
    }

    @Test func mergeOfNullIsBad() {
        // An empty value starts right after its key's colon.
        #expect(parseError("<<:\nk: v\n") == .badMerge(mark: Mark(line: 1, column: 4)))
    }

    @Test func multipleDocuments() {
        #expect(parseError("a: 1\n---\nb: 2\n") == .multipleDocuments(mark: Mark(line: 2, column: 1)))
        #expect(parseError("--- a\n--- b\n") == .multipleDocuments(mark: Mark(line: 2, column: 1)))
        #expect(parseError("a: 1\n...\n---\nb: 2\n") == .multipleDocuments(mark: Mark(line: 3, column: 1)))
    }

    // MARK: Limits

    @Test func deepFlowNestingIsTooDeep() {
        let open = String(repeating: "[", count: 300)
        #expect(parseError(open) == .tooDeep(limit: 256, mark: Mark(line: 1, column: 257)))
        #expect(parseError(open + String(repeating: "]", count: 300)) == .tooDeep(limit: 256, mark: Mark(line: 1, column: 257)))
        #expect(parseError(String(repeating: "{a: ", count: 300)) == .tooDeep(limit: 256, mark: Mark(line: 1, column: 1025)))
    }

    @Test func hugeNestingFailsFastWithoutCrashing() {
        let error = parseError(String(repeating: "[", count: 100_000), parser: Parser(maxDepth: 10))
        #expect(error == .tooDeep(limit: 10, mark: Mark(line: 1, column: 11)))
    }

    @Test func deepBlockNestingIsTooDeep() {
        let text = (0..<300).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n") + " v\n"
        // The 257th mapping is the value of the key on line 256.
        #expect(parseError(text) == .tooDeep(limit: 256, mark: Mark(line: 257, column: 257)))
        let dashes = String(repeating: "- ", count: 300) + "x\n"
        #expect(parseError(dashes) == .tooDeep(limit: 256, mark: Mark(line: 1, column: 513)))
    }

    @Test func aliasesCannotNestDeeperThanTheCap() throws {
        // Each list holds a copy of the one before: without counting what aliases copy, 300 short lines would
        // build a tree 300 levels deep (and 200,000 lines one that overflows the stack when freed).
        let chain = "k0: &a0 [x]\n" + (1..<300).map { "k\($0): &a\($0) [*a\($0 - 1)]" }.joined(separator: "\n")
        #expect(parseError(chain) == .tooDeep(limit: 256, mark: Mark(line: 256, column: 14)))
        let text = "a: &a [[x]]\nb: *a\nc: [*a]\n"
        #expect(parseError(text, parser: Parser(maxDepth: 3)) == .tooDeep(limit: 3, mark: Mark(line: 3, column: 5)))
        #expect(try Parser(maxDepth: 4).parse(text)?["c"]?.sequence?.first?.sequence?.first?.values == ["x"])
    }

    @Test func customDepth() throws {
        #expect(try Parser(maxDepth: 3).parse("[[[1]]]") != nil)
        #expect(parseError("a:\n  b:\n    c:\n      d: 1\n", parser: Parser(maxDepth: 3))
            == .tooDeep(limit: 3, mark: Mark(line: 4, column: 7)))
    }

    @Test func billionLaughsIsTooLarge() {
        let lol = "[" + Array(repeating: "\"lol\"", count: 9).joined(separator: ",") + "]"
        var lines = ["a: &a \(lol)"]
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
        }
        let text = lines.joined(separator: "\n")
        let error = parseError(text)
        guard case .tooLarge(let limit, let mark)? = error else {
            Issue.record("expected tooLarge, got \(String(describing: error))")
            return
        }
        #expect(limit == 2_000_000)
        #expect(mark.line == 7)  // g's aliases copy 597,871 nodes each
        #expect(parseError(text, parser: Parser(maxNodes: 100)) == .tooLarge(limit: 100, mark: Mark(line: 2, column: 32)))
    }

    @Test func hugeNodeLimitDoesNotOverflow() {
        let names = (0..<70).map { "n\($0)" }
        var lines = ["n0: &n0 [x, x]"]
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append("\(name): &\(name) [*\(previous), *\(previous)]")
        }
        let error = parseError(lines.joined(separator: "\n"), parser: Parser(maxNodes: .max))
        #expect(error?.message == "aliases expand the document to more than \(Int.max) nodes")
    }

    // MARK: Messages

    @Test func messagesAndDescriptions() {
        let mark = Mark(line: 3, column: 7)
        let cases: [(YAMLError, String)] = [
            (.syntax(message: "bad thing", mark: mark), "bad thing"),
            (.invalidUTF8(mark: mark), "the file is not valid UTF-8"),
            (.tooDeep(limit: 256, mark: mark), "collections are nested more than 256 levels deep"),
            (.tooLarge(limit: 10, mark: mark), "aliases expand the document to more than 10 nodes"),
            (.undefinedAlias(name: "x", mark: mark), "alias '*x' refers to no anchor '&x' defined before it"),
            (.badMerge(mark: mark), "a merge key '<<' needs a mapping or a list of mappings"),
            (.multipleDocuments(mark: mark), "the file holds more than one YAML document; tend reads one"),
        ]
        for (error, message) in cases {
            #expect(error.message == message)
            #expect(error.mark == mark)
            #expect(error.description == "3:7: \(message)")
        }
    }
}
