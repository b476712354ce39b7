extension DiagnosticRenderer {
    /// `tend validate --json`: whether the config is valid and each diagnostic with its file, line, column,
    /// severity, message and hint (null where there is none), in the spirit of `terraform validate -json`.
    public static func json(_ diagnostics: [Diagnostic], resourceCount: Int?) -> JSON {
        let errors = diagnostics.filter { $0.severity == .error }.count
        return .object([
            ("format_version", .string("1.0")),
            ("valid", .bool(errors == 0)),
            ("error_count", .int(errors)),
            ("warning_count", .int(diagnostics.count - errors)),
            ("resource_count", resourceCount.map { .int($0) } ?? .null),
            ("diagnostics", .array(diagnostics.map { diagnostic in
                .object([
                    ("severity", .string(diagnostic.severity.rawValue)),
                    ("message", .string(diagnostic.message)),
                    ("hint", diagnostic.hint.map { .string($0) } ?? .null),
                    ("file", diagnostic.location.map { .string($0.file) } ?? .null),
                    ("line", diagnostic.location.map { .int($0.mark.line) } ?? .null),
                    ("column", diagnostic.location.map { .int($0.mark.column) } ?? .null),
                ])
            })),
        ])
    }
}
