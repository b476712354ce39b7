import Testing
@testable import TendYAML

@Suite struct ScalarResolutionTests {
    typealias Resolved = ScalarResolution.Resolved

    @Test(arguments: ["", "~", "null", "Null", "NULL"])
    func nulls(text: String) {
        #expect(ScalarResolution.resolvePlain(text) == .null)
    }

    @Test(arguments: [("true", true), ("True", true), ("TRUE", true), ("false", false), ("False", false), ("FALSE", false)])
    func bools(text: String, value: Bool) {
        #expect(ScalarResolution.resolvePlain(text) == .bool(value))
    }

    @Test(arguments: [
        ("0", 0), ("42", 42), ("-17", -17), ("+5", 5), ("007", 7), ("-0", 0),
        ("0x1F", 31), ("0xff", 255), ("0xDEADbeef", 0xDEAD_BEEF), ("0o17", 15), ("0o0", 0),
        ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min),
    ] as [(String, Int)])
    func ints(text: String, value: Int) {
        #expect(ScalarResolution.resolvePlain(text) == .int(value))
    }

    @Test(arguments: [
        ("1.0", 1.0), ("-2.5", -2.5), ("+.5", 0.5), (".5", 0.5), ("5.", 5.0), ("1e3", 1000), ("1E-2", 0.01),
        ("6.02e+23", 6.02e23), ("0.0", 0), ("9223372036854775808", 9_223_372_036_854_775_808.0),
    ] as [(String, Double)])
    func floats(text: String, value: Double) {
        #expect(ScalarResolution.resolvePlain(text) == .float(value))
    }

    @Test(arguments: [(".inf", Double.infinity), (".Inf", .infinity), ("+.INF", .infinity), ("-.inf", -.infinity), ("-.INF", -.infinity)])
    func infinities(text: String, value: Double) {
        #expect(ScalarResolution.resolvePlain(text) == .float(value))
    }

    @Test(arguments: [".nan", ".NaN", ".NAN"])
    func notANumber(text: String) {
        guard case .float(let value) = ScalarResolution.resolvePlain(text) else {
            Issue.record("\(text) is not a float")
            return
        }
        #expect(value.isNaN)
    }

    /// YAML 1.1 spellings and near misses stay strings under the core schema.
    @Test(arguments: [
        "yes", "no", "on", "off", "y", "n", "tRUE", "nULL", "none", "nil",
        "0x", "0o", "0x-5", "0x+5", "0o+7", "-0x1F", "+0o7", "0o8", "0xG", "0b101", "0X1F", "0O7",
        "1_000", "1,000", "1:30", "1.2.3", "1e", "e3", ".", "+", "-", "+-1", "--1", "1-2", "inf", "nan", ".infinity",
        "12abc", "٣", "１２", "0x１", "hello", " 1", "1 ",
    ])
    func strings(text: String) {
        #expect(ScalarResolution.resolvePlain(text) == .string(text))
    }

    @Test func quotedAndBlockScalarsAreStrings() {
        for style in [Scalar.Style.singleQuoted, .doubleQuoted, .literal, .folded] {
            #expect(ScalarResolution.resolve(Scalar("1", style: style)) == .string("1"))
            #expect(ScalarResolution.resolve(Scalar("null", style: style)) == .string("null"))
            #expect(ScalarResolution.resolve(Scalar("true", style: style)) == .string("true"))
        }
        #expect(ScalarResolution.resolve(Scalar("1")) == .int(1))
    }

    @Test func explicitTagsDecide() {
        func tag(_ name: String) -> String { "tag:yaml.org,2002:\(name)" }
        #expect(ScalarResolution.resolve(Scalar("123"), tag: tag("str")) == .string("123"))
        #expect(ScalarResolution.resolve(Scalar("7", style: .doubleQuoted), tag: tag("int")) == .int(7))
        #expect(ScalarResolution.resolve(Scalar("true", style: .singleQuoted), tag: tag("bool")) == .bool(true))
        #expect(ScalarResolution.resolve(Scalar("1"), tag: tag("float")) == .float(1))
        #expect(ScalarResolution.resolve(Scalar("2.5", style: .doubleQuoted), tag: tag("float")) == .float(2.5))
        #expect(ScalarResolution.resolve(Scalar("anything"), tag: tag("null")) == .null)
        // A value its tag cannot read stays a string for the decoder to report; unknown tags are strings.
        #expect(ScalarResolution.resolve(Scalar("abc"), tag: tag("int")) == .string("abc"))
        #expect(ScalarResolution.resolve(Scalar("maybe"), tag: tag("bool")) == .string("maybe"))
        #expect(ScalarResolution.resolve(Scalar("1"), tag: "!custom") == .string("1"))
    }

    @Test func parsedDocumentResolves() throws {
        let node = try parse("""
            a: 1
            b: '1'
            c: 1.5
            d: true
            e:
            f: ~
            g: !!str true
            h: !!float 3
            i: text
            j: |
              1

            """)
        let resolved = (node.mapping ?? []).map { ScalarResolution.resolve($0.value.scalar!, tag: $0.value.tag) }
        #expect(resolved == [
            .int(1), .string("1"), .float(1.5), .bool(true), .null, .null, .string("true"), .float(3), .string("text"),
            .string("1\n"),
        ])
    }

    @Test func everyResolvedStringNeedsNoQuotesOnlyIfItIsAPlainString() {
        for text in ["1", "true", "null", "", "1.5", ".inf", "0x10"] {
            #expect(ScalarResolution.needsQuotes(text), "\(text)")
        }
        for text in ["abc", "a b", "x1", "1x"] {
            #expect(!ScalarResolution.needsQuotes(text), "\(text)")
        }
    }
}
