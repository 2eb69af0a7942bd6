// The one error a CSV reader can raise.

/// A CSV problem that stops reading, at a 1-based line and column (column in characters).
///
/// Messages are lowercase with no final period so that callers can embed them
/// in their own diagnostics.
public struct CSVError: Error, Sendable, Equatable {
    /// 1-based physical line of the problem.
    public var line: Int
    /// 1-based column in characters (Unicode scalars) on that line.
    public var column: Int
    /// What went wrong, e.g. `unterminated quoted field starting here`.
    public var message: String

    /// Creates an error at `line`:`column`.
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    static let unterminatedQuote = "unterminated quoted field starting here"
    static let emptyFile = "the file is empty: no header row"
    static let onlyBlankLines = "the file has only blank lines: no header row"
}
