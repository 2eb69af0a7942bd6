// Turning a byte offset into a human position, computed only when an error is
// reported so that the hot loops never track columns.

/// A 1-based line and column; the column counts characters (Unicode scalars), not bytes.
struct ReaderPosition: Equatable {
    var line: Int
    var column: Int

    // INVARIANT: origin <= offset <= bytes.count and `origin` is the start of a line.
    /// The position of `offset` in `bytes`, where `bytes[origin]` is at `originLine`, column 1.
    ///
    /// Line ends are LF, CRLF (one line end) and a lone CR, the same rule the
    /// readers use, so positions agree with the line numbers of records.
    /// A byte order mark at `origin` is not counted as a column.
    static func of(offset: Int, in bytes: UnsafeBufferPointer<UInt8>, origin: Int = 0, originLine: Int = 1) -> ReaderPosition {
        var line = originLine
        var lineStart = origin
        if offset - origin >= 3, bytes[origin] == 0xEF, bytes[origin + 1] == 0xBB, bytes[origin + 2] == 0xBF {
            lineStart = origin + 3
        }
        var i = origin
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b == ReaderByte.lineFeed {
                line += 1
                lineStart = i + 1
            } else if b == ReaderByte.carriageReturn {
                // A CR directly followed by LF is counted at the LF.
                if !(i + 1 < bytes.count && bytes[i + 1] == ReaderByte.lineFeed) {
                    line += 1
                    lineStart = i + 1
                }
            }
            i += 1
        }
        var column = 1
        var j = lineStart
        while j < end {
            if !ReaderByte.isContinuation(bytes[j]) { column += 1 }
            j += 1
        }
        return ReaderPosition(line: line, column: column)
    }
}
