import Foundation
import TendCore
import TendYAML

/// Reads one declarative type definition from YAML text, straight from the `Node` tree so that every problem
/// names its FILE:LINE:COL; reports every problem of the file at once, and yields a type only when there is none.
struct DefinitionLoader {
    /// The file as messages name it.
    let file: String
    /// The type name the file's name gives.
    let expectedName: String
    /// Names of the Swift types, which no definition may take.
    let reservedNames: Set<String>

    var diagnostics: [Diagnostic] = []

    init(file: String, expectedName: String, reservedNames: Set<String>) {
        self.file = file
        self.expectedName = expectedName
        self.reservedNames = reservedNames
    }

    static let topLevelKeys = [
        "name", "summary", "description", "os", "requires", "requiresHint", "root", "lockGroup", "packageList",
        "keyMatch", "import", "example", "parameters", "list", "create", "destroy", "modify", "batchSize", "timeout",
    ]

    /// The definition in `text`, or every problem found in it.
    static func load(_ text: String, file: String, expectedName: String,
                     reservedNames: Set<String>) -> Result<TypeDefinition, DefinitionProblems> {
        var loader = DefinitionLoader(file: file, expectedName: expectedName, reservedNames: reservedNames)
        let definition = loader.read(text)
        if let definition, loader.diagnostics.isEmpty { return .success(definition) }
        if loader.diagnostics.isEmpty {
            loader.error("the definition could not be read", .start)
        }
        return .failure(DefinitionProblems(diagnostics: loader.diagnostics))
    }

    // MARK: - Reporting

    mutating func error(_ message: String, _ mark: Mark, hint: String? = nil) {
        diagnostics.append(.error(message, at: SourceLocation(file: file, mark: mark), hint: hint))
    }

    /// Reports keys of `pairs` not in `allowed`, and repeated keys; `context` names the mapping ("a parameter").
    mutating func checkKeys(_ pairs: [Pair], allowed: [String], context: String) {
        var seen: Set<String> = []
        for pair in pairs {
            guard let key = pair.key.scalar?.value else {
                error("keys of \(context) must be names, found \(pair.key.kindDescription)", pair.key.mark)
                continue
            }
            if !seen.insert(key).inserted {
                error("'\(key)' is given twice in \(context)", pair.key.mark, hint: "keep one of them")
            }
            if !allowed.contains(key) {
                error("unknown key '\(key)' in \(context)" + Suggestion.phrase(for: key, in: allowed), pair.key.mark,
                      hint: "expected one of: " + allowed.joined(separator: ", "))
            }
        }
    }

    // MARK: - Scalars

    mutating func string(_ node: Node, _ name: String) -> String? {
        guard let scalar = node.scalar, !node.isNull else {
            error("'\(name)' must be text, found \(node.kindDescription)", node.mark)
            return nil
        }
        return scalar.value
    }

    mutating func bool(_ node: Node, _ name: String) -> Bool? {
        if let scalar = node.scalar, scalar.style == .plain {
            if case .bool(let flag) = ScalarResolution.resolve(scalar, tag: node.tag) { return flag }
        }
        error("'\(name)' must be true or false, found \(describe(node))", node.mark)
        return nil
    }

    mutating func int(_ node: Node, _ name: String, minimum: Int) -> Int? {
        if let scalar = node.scalar, scalar.style == .plain, let number = Int(scalar.value), number >= minimum {
            return number
        }
        error("'\(name)' must be a whole number of at least \(minimum), found \(describe(node))", node.mark)
        return nil
    }

    mutating func stringList(_ node: Node, _ name: String) -> [String]? {
        if node.scalar != nil, !node.isNull, let single = string(node, name) { return [single] }
        guard let items = node.sequence else {
            error("'\(name)' must be a list of text, found \(node.kindDescription)", node.mark)
            return nil
        }
        var out: [String] = []
        for item in items {
            guard let text = string(item, "\(name) item") else { continue }
            out.append(text)
        }
        return out
    }

    func describe(_ node: Node) -> String {
        if let scalar = node.scalar, !node.isNull { return Value.string(scalar.value).description }
        return node.kindDescription
    }

    /// `name` is required in `root`; reports its absence at `mark`.
    mutating func required(_ root: Node, _ name: String, _ mark: Mark, hint: String) -> Node? {
        guard let node = root[name] else {
            error("the definition has no '\(name)'", mark, hint: hint)
            return nil
        }
        return node
    }
}

/// Every problem of one definition file.
struct DefinitionProblems: Error, Sendable {
    var diagnostics: [Diagnostic]
}
