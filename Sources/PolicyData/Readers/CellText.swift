// The one trim and the one CSV unescape of cell text. Every path that looks at a cell
// (kept fields, fields only checked, schema inference, the key index, the text of a
// reject, header names) goes through these, so that a cell is blank, or equal to
// another, in one sense only. JSON strings are unescaped once, by `JSONCore.parseString`.

/// Trimming and unescaping cell text, on bytes.
public enum CellText {
    /// The bytes trimmed around a cell: space, tab, line feed and carriage return.
    @inline(__always)
    public static func isSpace(_ b: UInt8) -> Bool {
        b == ReaderByte.space || b == ReaderByte.tab || b == ReaderByte.lineFeed || b == ReaderByte.carriageReturn
    }

    /// The cell without surrounding spaces, tabs and line ends.
    @inline(__always)
    public static func trimmed(_ raw: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = raw.count
        while start < end, isSpace(raw[start]) { start += 1 }
        while end > start, isSpace(raw[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: raw[start..<end])
    }

    /// Whether nothing is left of the cell once trimmed: the cell is empty.
    @inline(__always)
    public static func isBlank(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < raw.count {
            if !isSpace(raw[i]) { return false }
            i += 1
        }
        return true
    }

    /// `text` trimmed as a cell is.
    public static func trimmed(_ text: String) -> String {
        var text = text
        return text.withUTF8 { String(decoding: trimmed($0), as: UTF8.self) }
    }

    /// Whether `text` is blank as a cell.
    public static func isBlank(_ text: String) -> Bool {
        text.utf8.allSatisfy(isSpace)
    }

    /// Calls `body` with the content of a quoted CSV field, `raw`, with `""` turned
    /// into `"`, in a temporary buffer valid only during `body`. The rare path of
    /// ``CSVField/withContent(in:_:)``, kept apart so that the common one stays small
    /// enough to inline.
    @usableFromInline
    static func withUnescapedCSV<R>(_ raw: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(raw.count, 1)) { out in
            // Unescaping never lengthens the text, so `out` has room.
            var written = 0
            var i = 0
            while i < raw.count {
                let b = raw[i]
                out[written] = b
                written += 1
                // `""` → `"`: skip the second quote of the pair.
                i += (b == ReaderByte.quote && i + 1 < raw.count && raw[i + 1] == ReaderByte.quote) ? 2 : 1
            }
            return try body(UnsafeBufferPointer(rebasing: out[0..<written]))
        }
    }
}

extension CSVField {
    // Inlinable so that callers in other modules get a specialized, closure-inlined loop:
    // unspecialized it cost ~35 ns per field, more than scanning the field.
    /// Calls `body` with the field's content in `bytes` (the bytes it was read from),
    /// with `""` already turned into `"`: the field's own bytes, or for a field with
    /// escaped quotes an unescaped copy valid only during `body`. A span outside
    /// `bytes` is clamped rather than trusted, so it cannot read out of bounds.
    @inlinable @inline(__always)
    public func withContent<R>(in bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let lower = Swift.max(0, Swift.min(start, bytes.count))
        let upper = Swift.max(lower, Swift.min(end, bytes.count))
        let raw = UnsafeBufferPointer(rebasing: bytes[lower..<upper])
        if hasEscapedQuotes { return try CellText.withUnescapedCSV(raw, body) }
        return try body(raw)
    }
}
