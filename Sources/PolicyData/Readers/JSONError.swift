// The error a JSON parse raises.

/// A JSON syntax error at a 1-based line and column (column in characters).
///
/// Messages are lowercase with no final period, e.g. `expected ',' or ']' after an array element`.
public struct JSONError: Error, Sendable, Equatable {
    /// 1-based line of the problem.
    public var line: Int
    /// 1-based column in characters (Unicode scalars) on that line.
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

/// A syntax error still located by byte offset; turned into a ``JSONError`` only when reported.
struct JSONSyntaxError: Error {
    var offset: Int
    var message: String

    /// Locates the error for a text that starts at `origin` on `originLine`.
    func located(in bytes: UnsafeBufferPointer<UInt8>, origin: Int = 0, originLine: Int = 1) -> JSONError {
        let position = ReaderPosition.of(offset: offset, in: bytes, origin: origin, originLine: originLine)
        return JSONError(line: position.line, column: position.column, message: message)
    }
}
