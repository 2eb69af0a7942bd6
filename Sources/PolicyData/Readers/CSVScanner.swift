// The record scanner: one pass over raw bytes, no strings, no per-record allocation.

/// The result of scanning for one record.
enum CSVScanOutcome {
    /// A record was appended to the field buffer.
    case record
    /// Only blank lines (or nothing) were left.
    case end
    /// A quoted field opened at byte `quoteOffset` on `line` never closed.
    case unterminatedQuote(line: Int, quoteOffset: Int)
}

/// Scanning state and the scanning loop over an `UnsafeBufferPointer`.
///
/// Kept apart from ``CSVReader`` so that the same loop can later run over a
/// memory-mapped file or over one chunk of a parallel split.
struct CSVScanner: Sendable {
    /// Offset of the next byte to read.
    var position: Int
    /// 1-based physical line of the byte at `position`.
    var line: Int
    /// The delimiter byte.
    let delimiter: UInt8
    /// Whether tabs count as padding around a quoted field (not when tab is the delimiter).
    let tabIsPadding: Bool

    init(position: Int, line: Int, delimiter: CSVDelimiter) {
        self.position = position
        self.line = line
        self.delimiter = delimiter.byte
        self.tabIsPadding = delimiter != .tab
    }

    /// The offset of the first delimiter or line end from `start` (or the end of input):
    /// eight bytes at a time, then byte by byte for the last few.
    @inline(__always)
    private func fieldEnd(_ p: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var j = Self.firstStop(p, from: start, delimiter: UInt64(delimiter) &* 0x0101_0101_0101_0101)
        while j < p.count {
            let c = p[j]
            if c == delimiter || c == ReaderByte.lineFeed || c == ReaderByte.carriageReturn { break }
            j += 1
        }
        return j
    }

    /// Where, from `start`, the first delimiter or line end may be: exact when one is
    /// found eight bytes at a time; otherwise the last offset a whole word could not
    /// cover, from which the caller reads byte by byte.
    @inline(__always)
    static func firstStop(_ p: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt64) -> Int {
        #if _endian(little)
        guard let base = p.baseAddress else { return start }
        var j = start
        while j &+ 8 <= p.count {
            let word = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
            let stops = zeroBytes(word ^ delimiter) | zeroBytes(word ^ 0x0A0A_0A0A_0A0A_0A0A) | zeroBytes(word ^ 0x0D0D_0D0D_0D0D_0D0D)
            // The lowest flag is the first byte that is a stop (a flag above a true stop may be false, never one below).
            if stops != 0 { return j + stops.trailingZeroBitCount >> 3 }
            j += 8
        }
        return j
        #else
        return start
        #endif
    }

    /// The high bit of each byte of `word` that is zero (and maybe some above a zero byte).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    @inline(__always)
    private func isPadding(_ byte: UInt8) -> Bool {
        byte == ReaderByte.space || (tabIsPadding && byte == ReaderByte.tab)
    }

    // INVARIANT: `position <= p.count`.
    /// Skips blank lines, then scans one record, appending its fields to `fields`
    /// (a batch may lay several records end to end there), and sets `recordLine`.
    ///
    /// On `.unterminatedQuote` the scanner is moved to the end of the input:
    /// a quote that never closes swallows the rest of the file, so nothing after it can be trusted.
    mutating func scanRecord(_ p: UnsafeBufferPointer<UInt8>, into fields: inout [CSVField], recordLine: inout Int) -> CSVScanOutcome {
        let n = p.count
        let delimiter = self.delimiter
        var i = position
        var line = self.line

        // Blank lines: zero bytes between line ends (a CRLF pair is one line end).
        while i < n {
            let b = p[i]
            if b == ReaderByte.lineFeed {
                i += 1
            } else if b == ReaderByte.carriageReturn {
                i += 1
                if i < n && p[i] == ReaderByte.lineFeed { i += 1 }
            } else {
                break
            }
            line += 1
        }
        if i >= n {
            position = n
            self.line = line
            return .end
        }
        recordLine = line

        while true {
            // At the start of a field.
            let fieldStart = i
            var q = i
            while q < n && isPadding(p[q]) { q += 1 }

            if q < n && p[q] == ReaderByte.quote {
                let contentStart = q + 1
                var j = contentStart
                var escaped = false
                var contentLine = line
                while true {
                    if j >= n {
                        position = n
                        self.line = contentLine
                        return .unterminatedQuote(line: line, quoteOffset: q)
                    }
                    let c = p[j]
                    if c == ReaderByte.quote {
                        if j + 1 < n && p[j + 1] == ReaderByte.quote {
                            escaped = true
                            j += 2
                            continue
                        }
                        break
                    }
                    if c == ReaderByte.lineFeed {
                        contentLine += 1
                    } else if c == ReaderByte.carriageReturn, !(j + 1 < n && p[j + 1] == ReaderByte.lineFeed) {
                        contentLine += 1
                    }
                    j += 1
                }
                let contentEnd = j
                var k = j + 1
                while k < n && isPadding(p[k]) { k += 1 }
                line = contentLine
                if k >= n || p[k] == delimiter || p[k] == ReaderByte.lineFeed || p[k] == ReaderByte.carriageReturn {
                    fields.append(CSVField(start: contentStart, end: contentEnd, quoted: true, hasEscapedQuotes: escaped))
                    i = k
                } else {
                    // Text after the closing quote (`"ab"cd`): lenient, keep the whole field
                    // literally, quotes included, rather than guess what the writer meant.
                    k = fieldEnd(p, from: k)
                    fields.append(CSVField(start: fieldStart, end: k))
                    i = k
                }
            } else {
                // Unquoted: a quote further in is literal, so only three bytes matter.
                let j = fieldEnd(p, from: q)
                fields.append(CSVField(start: fieldStart, end: j))
                i = j
            }

            // After a field: delimiter, line end or end of input.
            if i >= n {
                position = n
                self.line = line
                return .record
            }
            let c = p[i]
            i += 1
            if c == delimiter { continue }
            // INVARIANT: c is LF or CR here; every branch above stops only at those, the delimiter or the end.
            if c == ReaderByte.carriageReturn && i < n && p[i] == ReaderByte.lineFeed { i += 1 }
            position = i
            self.line = line + 1
            return .record
        }
    }
}
