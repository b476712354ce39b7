extension DiagnosticRenderer {
    /// The SARIF 2.1.0 rule every config diagnostic is reported under; CI systems group results by rule.
    public static let sarifRuleID = "tend/config"

    /// `tend validate --format sarif`: one run of the tool `tend` whose results are the diagnostics, each with
    /// its level, message (the hint on a line of its own) and place, for code scanning annotations in CI.
    public static func sarif(_ diagnostics: [Diagnostic], toolVersion: String) -> JSON {
        let results: [JSON] = diagnostics.map { diagnostic in
            var text = diagnostic.message
            if let hint = diagnostic.hint { text += "\nhint: " + hint }
            var result: [(String, JSON)] = [
                ("ruleId", .string(sarifRuleID)),
                ("ruleIndex", .int(0)),
                ("level", .string(diagnostic.severity == .error ? "error" : "warning")),
                ("message", .object([("text", .string(text))])),
            ]
            if let location = diagnostic.location {
                result.append(("locations", .array([.object([
                    ("physicalLocation", .object([
                        ("artifactLocation", .object([("uri", .string(uriReference(location.file)))])),
                        ("region", .object([
                            ("startLine", .int(max(1, location.mark.line))),
                            ("startColumn", .int(max(1, location.mark.column))),
                        ])),
                    ])),
                ])])))
            }
            return .object(result)
        }
        return .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([
                ("tool", .object([("driver", .object([
                    ("name", .string("tend")),
                    ("version", .string(toolVersion)),
                    ("rules", .array([.object([
                        ("id", .string(sarifRuleID)),
                        ("name", .string("ConfigProblem")),
                        ("shortDescription", .object([("text", .string("a problem tend validate found in a config file"))])),
                    ])])),
                ]))])),
                ("results", .array(results)),
            ])])),
        ])
    }

    /// A file name as a URI reference: relative names stay relative (CI resolves them against the checkout),
    /// absolute ones become `file://` URIs; bytes outside the unreserved path set are percent-encoded.
    static func uriReference(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.append(Character(UnicodeScalar(byte)))
            default:
                encoded += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
