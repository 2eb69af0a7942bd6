/// What the JSON parser throws: a ``ReadError`` (the CSV reader throws the same).
public typealias JSONError = ReadError

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
