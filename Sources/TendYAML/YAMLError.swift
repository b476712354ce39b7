/// Why a document could not be read. Every case names the place, when libyaml gave one.
public enum YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libyaml's complaint, reworded where it helps ("unterminated quoted string, opened at 6:11").
    case syntax(message: String, mark: Mark)
    /// The bytes are not UTF-8; `mark` is the first bad byte.
    case invalidUTF8(mark: Mark)
    /// Collections nested deeper than the parser's cap.
    case tooDeep(limit: Int, mark: Mark)
    /// Aliases expand to more nodes than the parser's cap (a "billion laughs" document).
    case tooLarge(limit: Int, mark: Mark)
    /// `*name` with no `&name` before it.
    case undefinedAlias(name: String, mark: Mark)
    /// A `<<` merge key whose value is not a mapping or a list of mappings.
    case badMerge(mark: Mark)
    /// More than one document in a stream that must hold one.
    case multipleDocuments(mark: Mark)

    public var mark: Mark {
        switch self {
        case .syntax(_, let mark), .invalidUTF8(let mark), .tooDeep(_, let mark), .tooLarge(_, let mark),
             .undefinedAlias(_, let mark), .badMerge(let mark), .multipleDocuments(let mark):
            return mark
        }
    }

    /// The message without the location, lowercase, for `FILE:LINE:COL: error: message`.
    public var message: String {
        switch self {
        case .syntax(let message, _):
            return message
        case .invalidUTF8:
            return "the file is not valid UTF-8"
        case .tooDeep(let limit, _):
            return "collections are nested more than \(limit) levels deep"
        case .tooLarge(let limit, _):
            return "aliases expand the document to more than \(limit) nodes"
        case .undefinedAlias(let name, _):
            return "alias '*\(name)' refers to no anchor '&\(name)' defined before it"
        case .badMerge:
            return "a merge key '<<' needs a mapping or a list of mappings"
        case .multipleDocuments:
            return "the file holds more than one YAML document; tend reads one"
        }
    }

    public var description: String { "\(mark): \(message)" }
}
