import PolicySyntax

/// A customer row that could not be used: where it is, which field, what the cell
/// held and what was expected. Written to `--rejects`, counted in the summary, and
/// shown as a ``Diagnostic`` (``diagnostic``) with the cell's line of data.
public struct Reject: Sendable, Equatable {
    public var file: String
    /// The 1-based line the row starts on.
    public var line: Int
    /// The 1-based position of the column in the header (0 when the whole row is at fault).
    public var column: Int
    public var customerID: String
    public var field: String
    public var value: String
    public var expected: String
    public var code: DiagnosticCode
    /// Where the problem is in the file: the cell (a JSON value), or the row when no
    /// cell is at fault, with its line of data; nil when it cannot be told.
    public var place: DataPlace?

    /// Creates a reject.
    public init(file: String, line: Int, column: Int, customerID: String, field: String, value: String,
                expected: String, code: DiagnosticCode, place: DataPlace? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.customerID = customerID
        self.field = field
        self.value = value
        self.expected = expected
        self.code = code
        self.place = place
    }

    /// The reject columns, in order.
    public static let columns = ["file", "line", "column", "customer_id", "field", "value", "expected"]

    public var fields: [String] {
        [file, String(line), column == 0 ? "" : String(column), customerID, field, value, expected]
    }

    /// The reject as a diagnostic: its code, what is wrong, and the place in the file,
    /// `customers.csv:5:7`, with the line of data and a caret under the cell.
    public var diagnostic: Diagnostic {
        Diagnostic(code, message, at: place.map { $0.span(file: file) } ?? DataPlace.span(file: file, line: line))
    }

    /// What is wrong, in the words of every diagnostic: lowercase, user input in
    /// backticks, no final period.
    var message: String {
        let sentence: String
        switch code {
        case .emptyRequiredCell: sentence = "`\(field)` is empty, but the field is required"
        case .badCell, .valueNotAllowed, .duplicateKey, .unknownOrderCustomer: sentence = "`\(field)` is `\(value)`, expected \(expected)"
        case .invalidText: sentence = "\(field.isEmpty ? "the key `\(value)`" : "`\(field)`") is not valid UTF-8 text: \(expected)"
        case .nulByte: sentence = "\(field.isEmpty ? "the key `\(value)`" : "`\(field)`") holds \(expected)"
        default: sentence = expected
        }
        // A repeated key is the customer's id: said once.
        return customerID.isEmpty || code == .duplicateKey || code == .unknownOrderCustomer ? sentence : "\(sentence) (customer `\(customerID)`)"
    }

    /// The same reject with its lines moved by `lines` (a piece of a file counts its own).
    func movingLines(by lines: Int) -> Reject {
        var moved = self
        moved.line += lines
        moved.place?.line += lines
        return moved
    }
}

/// A problem that stops the customer file from being used at all (a missing
/// column, a file that is not JSON): a diagnostic, placed in the file with its line of
/// data where there is one.
public struct DataError: Error, Sendable {
    public var diagnostic: Diagnostic

    /// An error at `place` of `file`, or without one at `line`:`column`, its text unshown.
    public init(file: String, place: DataPlace? = nil, line: Int = 1, column: Int = 1, code: DiagnosticCode,
                message: String, help: String? = nil) {
        let span = place.map { $0.span(file: file) } ?? DataPlace.span(file: file, line: line, column: column)
        diagnostic = Diagnostic(code, message, at: span, help: help)
    }

    public var code: DiagnosticCode { diagnostic.code }
    public var message: String { diagnostic.message }
    public var help: String? { diagnostic.help }
    /// The file, and the 1-based line and column (characters) of the problem.
    public var file: String { diagnostic.span.file.path }
    public var line: Int { diagnostic.span.file.location(of: diagnostic.span.start).line }
    public var column: Int { diagnostic.span.file.location(of: diagnostic.span.start).column }
}

extension DataPlace {
    /// The place as a span of a small source file holding its excerpt of the line.
    func span(file: String) -> SourceSpan {
        let source = SourceFile(path: file, excerpt: excerpt, line: line, column: excerptColumn,
                                cutBefore: cutBefore, cutAfter: cutAfter)
        return SourceSpan(file: source, start: start, end: end)
    }

    /// A place whose text is not shown: `line`:`column` of `file`.
    static func span(file: String, line: Int, column: Int = 1) -> SourceSpan {
        SourceSpan(file: SourceFile(path: file, line: line, column: column), start: 0, end: 0)
    }
}
