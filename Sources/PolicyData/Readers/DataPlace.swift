// Where a problem is in a customer file, as a person finds it, kept after the file's
// bytes are gone: line, column, and a piece of the line to show with a caret.

/// A place in a customer file: the 1-based line and column (in characters) where it
/// starts, and the line around it, cut to at most ``limit`` bytes so that a reject of
/// a file written on one line (a minified JSON export) does not keep that line whole.
public struct DataPlace: Sendable, Equatable {
    /// 1-based line of the place's first byte.
    public var line: Int
    /// 1-based column, in characters (Unicode scalars), of the place's first byte.
    public var column: Int
    /// The line, or the part of it around the place, without its line end.
    public var excerpt: [UInt8]
    /// The place within `excerpt`: `start..<end` (empty for a place between bytes).
    public var start: Int, end: Int
    /// Whether the line goes on before or after `excerpt`.
    public var cutBefore: Bool, cutAfter: Bool

    /// The most bytes of a line kept for one place.
    public static let limit = 200

    /// Creates a place.
    public init(line: Int, column: Int, excerpt: [UInt8], start: Int, end: Int, cutBefore: Bool = false, cutAfter: Bool = false) {
        self.line = line
        self.column = column
        self.excerpt = excerpt
        self.start = start
        self.end = max(start, end)
        self.cutBefore = cutBefore
        self.cutAfter = cutAfter
    }

    /// The column of `excerpt[0]`.
    public var excerptColumn: Int {
        var column = self.column
        var i = 0
        while i < min(start, excerpt.count) {
            if !ReaderByte.isContinuation(excerpt[i]) { column -= 1 }
            i += 1
        }
        return column
    }

    /// The place `range` of `p` (clamped to the file), read forward from `cursor`.
    static func of(_ range: Range<Int>, in p: UnsafeBufferPointer<UInt8>, cursor: inout TextCursor) -> DataPlace {
        let start = max(0, min(range.lowerBound, p.count))
        cursor.move(to: start, in: p)
        return cursor.place(to: max(start, min(range.upperBound, p.count)), in: p)
    }

    /// The place `line`:`column` of `p`, found by reading the file from its start:
    /// for an error that stops the file, located by line and column alone.
    static func at(line: Int, column: Int, in p: UnsafeBufferPointer<UInt8>) -> DataPlace {
        // To the start of the line (a byte order mark is no column of line 1).
        var i = ReaderByte.byteOrderMarkLength(p)
        var current = 1
        while current < line && i < p.count {
            let b = p[i]
            i += 1
            if b == ReaderByte.lineFeed || (b == ReaderByte.carriageReturn && !(i < p.count && p[i] == ReaderByte.lineFeed)) {
                current += 1
            }
        }
        // Then to the column, a character at a time, or to the line's end.
        var at = i
        var scalars = 1
        while scalars < column && at < p.count && !TextCursor.isLineEnd(p[at]) {
            at += 1
            while at < p.count && ReaderByte.isContinuation(p[at]) { at += 1 }
            scalars += 1
        }
        var cursor = TextCursor(lineStart: i, line: current)
        cursor.move(to: at, in: p)
        return cursor.place(to: at, in: p)
    }
}

/// A position in a file's bytes whose line and column are known, moved forward to find
/// later ones: each byte in between is counted once, so finding the places of every
/// reject of a file costs one reading of it at most.
struct TextCursor {
    /// The byte the cursor is at.
    private(set) var offset: Int
    /// Its 1-based line and column (characters), and where its line starts.
    private(set) var line: Int
    private(set) var column: Int
    private(set) var lineStart: Int

    /// At the start of line `line`, which begins at byte `lineStart`.
    init(lineStart: Int, line: Int) {
        offset = lineStart
        self.lineStart = lineStart
        self.line = line
        column = 1
    }

    /// At the start of a file; a byte order mark takes no column.
    init(file p: UnsafeBufferPointer<UInt8>) {
        self.init(lineStart: ReaderByte.byteOrderMarkLength(p), line: 1)
    }

    /// At byte `offset`, known to be on line `line`: its line's start is found by
    /// reading back to the previous line end.
    init(at offset: Int, line: Int, in p: UnsafeBufferPointer<UInt8>) {
        var start = max(0, min(offset, p.count))
        while start > 0 && !Self.isLineEnd(p[start - 1]) { start -= 1 }
        if start == 0 { start = min(ReaderByte.byteOrderMarkLength(p), offset) }
        self.init(lineStart: start, line: line)
        move(to: offset, in: p)
    }

    @inline(__always)
    static func isLineEnd(_ b: UInt8) -> Bool { b == ReaderByte.lineFeed || b == ReaderByte.carriageReturn }

    /// Moves to `target`, counting line ends as the readers do (LF, CRLF, a lone CR).
    /// A target behind the cursor is found again from the start of the cursor's line,
    /// or, on an earlier line, from the line end before it.
    mutating func move(to target: Int, in p: UnsafeBufferPointer<UInt8>) {
        let target = max(0, min(target, p.count))
        if target < offset {
            if target >= lineStart {
                offset = lineStart
                column = 1
            } else {
                // Not met by the readers, which report in file order; kept exact all the same.
                var lines = 0
                var i = lineStart
                while i > target {
                    i -= 1
                    if p[i] == ReaderByte.lineFeed || (p[i] == ReaderByte.carriageReturn && !(i + 1 < p.count && p[i + 1] == ReaderByte.lineFeed)) {
                        lines += 1
                    }
                }
                self = TextCursor(at: target, line: line - lines, in: p)
                return
            }
        }
        var i = offset
        while i < target {
            let b = p[i]
            if b == ReaderByte.lineFeed || (b == ReaderByte.carriageReturn && !(i + 1 < p.count && p[i + 1] == ReaderByte.lineFeed)) {
                line += 1
                lineStart = i + 1
                column = 1
            } else if b != ReaderByte.carriageReturn && !ReaderByte.isContinuation(b) {
                column += 1
            }
            i += 1
        }
        offset = target
    }

    /// Moves to `target`, known to be on line `line`: on a later line, its start is
    /// found by reading back from `target`, so that the lines in between are not read.
    mutating func move(to target: Int, onLine line: Int, in p: UnsafeBufferPointer<UInt8>) {
        if line == self.line || target < offset {
            move(to: target, in: p)
        } else {
            self = TextCursor(at: target, line: line, in: p)
        }
    }

    /// The place from the cursor to `end`, with the line around it.
    func place(to end: Int, in p: UnsafeBufferPointer<UInt8>) -> DataPlace {
        let limit = DataPlace.limit
        // The line's end, looked for no further than the excerpt could reach.
        var lineEnd = offset
        while lineEnd < p.count && lineEnd - offset < limit && !Self.isLineEnd(p[lineEnd]) { lineEnd += 1 }
        // As much of the line before the place as the rest leaves room for, at least a few words.
        var from = max(lineStart, offset - max(limit / 2, limit - (lineEnd - offset)))
        while from < offset && ReaderByte.isContinuation(p[from]) { from += 1 }
        var to = min(lineEnd, from + limit)
        while to > offset && to < p.count && ReaderByte.isContinuation(p[to]) { to -= 1 }
        let cutAfter = to < p.count && !Self.isLineEnd(p[to])
        return DataPlace(line: line, column: column, excerpt: Array(p[from..<to]), start: offset - from,
                         end: min(max(end, offset), to) - from, cutBefore: from > lineStart, cutAfter: cutAfter)
    }
}
