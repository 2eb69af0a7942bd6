// The parsed form of a JSON text.

// Not `indirect`: arrays already store their elements out of line, and boxing every
// scalar cost one heap allocation per value (JSONL loading measured ~6% slower).
/// A JSON value exactly as written: numbers keep their literal text and objects keep member order.
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number's literal text, exact (`1.50`, `-0`, `1e400` are kept as written).
    case number(String)
    /// A string with escapes resolved.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object's members in file order; duplicate keys are all kept.
    case object([JSONMember])

    /// "null", "a boolean", "a number", "a string", "an array" or "an object", for messages.
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One `"key": value` member of a JSON object.
///
/// A struct rather than a tuple so that ``JSONValue`` can be `Equatable` by synthesis.
public struct JSONMember: Sendable, Equatable {
    /// The key with escapes resolved.
    public var key: String
    /// The value.
    public var value: JSONValue

    /// Creates a member.
    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}
