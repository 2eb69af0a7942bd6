// Strict RFC 8259 parsing of a whole JSON text.

/// Parses JSON text (RFC 8259, strict) from UTF-8 bytes.
///
/// Strict means: no trailing commas, no leading zeros, no `NaN`/`Infinity`,
/// no unescaped control characters in strings, valid UTF-8 in strings, and
/// nothing but whitespace after the value. A leading UTF-8 byte order mark is
/// ignored, as RFC 8259 allows. Nesting deeper than ``maxDepth`` is an error;
/// parsing is iterative, so no input can overflow the stack.
public enum JSONParser: Sendable {
    /// The deepest nesting of arrays and objects accepted; the top-level container is depth 1.
    public static let maxDepth = 256

    /// Parses `bytes` as one JSON text.
    public static func parse(bytes: [UInt8]) throws(JSONError) -> JSONValue {
        let result: Result<JSONValue, JSONError> = bytes.withUnsafeBufferPointer { p in
            var core = JSONCore(p, from: ReaderByte.byteOrderMarkLength(p), to: p.count)
            do throws(JSONSyntaxError) {
                let value = try core.parseDocument()
                return .success(value)
            } catch {
                return .failure(error.located(in: p))
            }
        }
        return try result.get()
    }

    /// Parses the UTF-8 of `text` as one JSON text.
    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        try parse(bytes: Array(text.utf8))
    }
}
