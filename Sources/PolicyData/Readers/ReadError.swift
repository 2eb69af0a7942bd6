// The one error the file readers raise.

/// A problem that stops reading a customer file, at a 1-based line and column
/// (column in characters, that is Unicode scalars).
///
/// Messages are lowercase with no final period so that callers can embed them in
/// their own diagnostics, e.g. `unterminated quoted field starting here`.
public struct ReadError: Error, Sendable, Equatable {
    /// 1-based physical line of the problem.
    public var line: Int
    /// 1-based column in characters on that line.
    public var column: Int
    /// What went wrong.
    public var message: String

    /// Creates an error at `line`:`column`.
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}
