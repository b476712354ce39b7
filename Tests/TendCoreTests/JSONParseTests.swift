import Testing
@testable import TendCore

@Suite struct JSONParseTests {
    @Test(arguments: [
        ("null", JSON.null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("0", .int(0)),
        ("-0", .int(0)),
        ("42", .int(42)),
        ("-17", .int(-17)),
        ("9223372036854775807", .int(Int.max)),
        ("-9223372036854775808", .int(Int.min)),
        ("1.5", .double(1.5)),
        ("-0.25", .double(-0.25)),
        ("1e3", .double(1000)),
        ("1.0", .double(1)),
        ("2E-2", .double(0.02)),
        ("9223372036854775808", .double(9223372036854775808)),
        ("\"\"", .string("")),
        ("\"plain\"", .string("plain")),
        (#""\" \\ \/ \b \f \n \r \t""#, .string("\" \\ / \u{08} \u{0C} \n \r \t")),
        (#""\u00e9\u4E2D""#, .string("é中")),
        (#""\ud83d\ude00""#, .string("😀")),
        ("\"héllo 😀\"", .string("héllo 😀")),
        ("[]", .array([])),
        ("{}", .object([])),
        (" \t\r\n [ 1 , \"a\" , null ] \n", .array([.int(1), .string("a"), .null])),
    ])
    func scalarsAndContainers(text: String, expected: JSON) throws {
        #expect(try JSON.parse(text) == expected)
    }

    @Test func objectKeysKeepTheirOrder() throws {
        let parsed = try JSON.parse(#"{"zeta": 1, "alpha": {"b": [true], "a": null}, "mid": "x"}"#)
        #expect(parsed.objectValue?.map(\.0) == ["zeta", "alpha", "mid"])
        #expect(parsed["alpha"]?.objectValue?.map(\.0) == ["b", "a"])
        #expect(parsed == .object([
            ("zeta", .int(1)),
            ("alpha", .object([("b", .array([.bool(true)])), ("a", .null)])),
            ("mid", .string("x")),
        ]))
    }

    @Test func intsAndDoublesStayApart() throws {
        #expect(try JSON.parse("3") == .int(3))
        #expect(try JSON.parse("3") != .double(3))
        #expect(try JSON.parse("3.0") == .double(3))
        #expect(try JSON.parse("3e0") == .double(3))
    }

    @Test(arguments: [
        JSON.null, .bool(false), .int(-5), .double(0.1), .double(1e-7), .double(-2.5e20), .string("tab\there \u{01} \"q\" é 😀"),
        .array([.int(1), .array([]), .object([])]),
        .object([("b", .int(1)), ("a", .object([("nested", .array([.string("x"), .null]))]))]),
    ])
    func renderedTextParsesBack(value: JSON) throws {
        #expect(try JSON.parse(value.compact) == value)
        #expect(try JSON.parse(value.pretty) == value)
    }

    @Test func valuesRoundTripThroughText() throws {
        let value = Value.map(["name": .string("ripgrep"), "count": .int(3), "on": .bool(true),
                               "tags": .list([.string("a"), .null]), "nested": .map(["k": .int(-1)])])
        #expect(Value(json: try JSON.parse(value.json.compact)) == value)
    }

    @Test(arguments: [
        ("", 0, 1, 1, "empty"),
        ("   ", 3, 1, 4, "empty"),
        ("nul", 0, 1, 1, "did you mean 'null'"),
        ("[1,]", 3, 1, 4, "expected a value"),
        ("[1 2]", 3, 1, 4, "expected ',' or ']'"),
        ("{\"a\" 1}", 5, 1, 6, "expected ':'"),
        ("{\"a\": 1,}", 8, 1, 9, "expected a key"),
        ("{a: 1}", 1, 1, 2, "expected a key"),
        ("{\"a\": 1, \"a\": 2}", 9, 1, 10, "appears twice"),
        ("\"abc", 0, 1, 1, "no closing quote"),
        ("\"a\tb\"", 2, 1, 3, "control character"),
        (#""\x""#, 1, 1, 2, "after a backslash"),
        (#""\u12""#, 1, 1, 2, "four hexadecimal digits"),
        (#""\ud800""#, 1, 1, 2, "high surrogate without"),
        (#""\ud800\u0041""#, 1, 1, 2, "not a low surrogate"),
        (#""\udc00""#, 1, 1, 2, "low surrogate without"),
        ("01", 0, 1, 1, "leading zero"),
        ("-", 0, 1, 1, "digit after '-'"),
        ("1.", 2, 1, 3, "digit after '.'"),
        ("1e+", 3, 1, 4, "exponent"),
        ("1e999", 0, 1, 1, "out of range"),
        ("+1", 0, 1, 1, "expected a value"),
        ("{} x", 3, 1, 4, "after the value"),
        ("[\n  1,\n  é\n]", 9, 3, 3, "character 'é'"),
    ])
    func errorsNameThePlace(text: String, offset: Int, line: Int, column: Int, message: String) {
        do {
            let value = try JSON.parse(text)
            Issue.record("parsed \(text.debugDescription) as \(value)")
        } catch let error as JSONParseError {
            #expect(error.offset == offset, "\(error)")
            #expect(error.line == line, "\(error)")
            #expect(error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(error.description.hasPrefix("invalid JSON at line \(line), column \(column) (offset \(offset)): "))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func depthIsCapped() throws {
        let limit = JSON.maxParseDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try JSON.parse(deepest) }
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect {
            try JSON.parse(tooDeep)
        } throws: { error in
            (error as? JSONParseError)?.message.contains("deeper than \(limit)") == true
                && (error as? JSONParseError)?.offset == limit
        }
        #expect(throws: JSONParseError.self) { try JSON.parse(#"{"a":{"b":1}}"#, maxDepth: 1) }
        let hostile = String(repeating: "{\"k\":", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSON.parse(hostile) }
    }
}
