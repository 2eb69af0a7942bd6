import PolicySyntax

/// A customer row that could not be used: where it is, which field, what the cell
/// held and what was expected. Written to `--rejects` and counted in the summary.
public struct Reject: Sendable, Equatable {
    public var file: String
    public var line: Int
    /// The 1-based position of the column in the header (0 when the whole row is at fault).
    public var column: Int
    public var customerID: String
    public var field: String
    public var value: String
    public var expected: String
    public var code: DiagnosticCode

    /// The reject columns, in order.
    public static let columns = ["file", "line", "column", "customer_id", "field", "value", "expected"]

    public var fields: [String] {
        [file, String(line), column == 0 ? "" : String(column), customerID, field, value, expected]
    }

    /// One line for the terminal: `customers.csv:5:7: error: ... [E0502]`.
    public var message: String {
        let place = column == 0 ? "\(file):\(line)" : "\(file):\(line):\(column)"
        let sentence: String
        switch code {
        case .emptyRequiredCell: sentence = "`\(field)` is empty, but the field is required"
        case .badCell, .valueNotAllowed, .duplicateKey: sentence = "`\(field)` is `\(value)`, expected \(expected)"
        case .invalidText: sentence = "\(field.isEmpty ? "the key `\(value)`" : "`\(field)`") is not valid UTF-8 text: \(expected)"
        case .nulByte: sentence = "\(field.isEmpty ? "the key `\(value)`" : "`\(field)`") holds \(expected)"
        default: sentence = expected
        }
        let who = customerID.isEmpty ? "" : " (customer \(customerID))"
        return "\(place): error: \(sentence)\(who) [\(code.rawValue)]"
    }
}

/// A problem that stops the customer file from being used at all (a missing
/// column, a file that is not JSON), reported like a compiler error.
public struct DataError: Error, Sendable {
    public var file: String
    public var line: Int
    public var column: Int
    public var code: DiagnosticCode
    public var message: String
    public var help: String?

    public init(file: String, line: Int, column: Int, code: DiagnosticCode, message: String, help: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.code = code
        self.message = message
        self.help = help
    }

    public var rendered: String {
        var out = "\(file):\(line):\(column): error: \(message) [\(code.rawValue)]\n"
        if let help { out += "  = help: \(help)\n" }
        return out
    }
}
