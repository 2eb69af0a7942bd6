import Glibc

/// What the record splitter hands each record to.
protocol RecordSink {
    /// One record: its bytes without the line end (nor a CR before it), where it
    /// starts and where its line end is in the bytes split (the end of the bytes for
    /// a last record without one), and the line it starts on; `shape`, when it is one
    /// line, what that holds. False stops the split.
    mutating func record(_ raw: UnsafeBufferPointer<UInt8>, start: Int, end: Int, line: Int, shape: LineShape?) -> Bool
}

/// Cuts CSV bytes into records: a line end ends a record unless it is inside quotes
/// (a `""` inside quotes is a quote, and leaves the quotes open). A blank line is no
/// record.
enum RecordSplitter {
    /// Where a split stopped: the first record that does not end in the bytes
    /// (their count when every record ends there), and the line it starts on.
    struct Rest {
        var offset: Int
        var line: Int
        /// At the end of the file, the last record opens quotes that never close.
        var unclosedQuote = false
    }

    /// Hands `sink` each record of `bytes` that ends there, the first on `line`. With
    /// `atEnd` (the end of the file), what follows the last line end is a record too
    /// (unless it opens quotes that never close).
    static func split<S: RecordSink>(_ bytes: UnsafeBufferPointer<UInt8>, line firstLine: Int, atEnd: Bool,
                                     into sink: inout S) -> Rest {
        guard let base = bytes.baseAddress else { return Rest(offset: 0, line: firstLine) }
        let count = bytes.count
        var start = 0, line = firstLine
        while start < count {
            // The record ends at the first line end with the quotes before it closed:
            // most records are one line with no quote, looked at once.
            var shape: LineShape? = LineShape(base + start, count - start)
            var end = -1, lines = 0
            if let first = shape, !first.quotes || (first.ended && !oddQuotes(base + start, first.length)) {
                if first.ended {
                    end = start + first.length
                } else {
                    guard atEnd else { return Rest(offset: start, line: line) }
                    end = count
                }
            } else {
                shape = nil
                var from = start, inQuotes = false
                while let found = memchr(base + from, 0x0A, count - from) {
                    let e = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
                    inQuotes = inQuotes != oddQuotes(base + from, e - from)
                    if !inQuotes {
                        end = e
                        break
                    }
                    lines += 1
                    from = e + 1
                }
                if end < 0 {
                    guard atEnd else { return Rest(offset: start, line: line) }
                    if inQuotes != oddQuotes(base + from, count - from) { return Rest(offset: start, line: line, unclosedQuote: true) }
                    end = count
                }
            }
            var raw = UnsafeBufferPointer(start: base + start, count: end - start)
            if raw.last == 0x0D { raw = UnsafeBufferPointer(rebasing: raw.dropLast()) }
            if !raw.isEmpty, !sink.record(raw, start: start, end: end, line: line, shape: shape) {
                return Rest(offset: start, line: line)
            }
            line += lines + 1
            start = end + 1
        }
        return Rest(offset: count, line: line)
    }

    /// Whether `count` bytes from `p` hold an odd number of quotes.
    private static func oddQuotes(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var odd = false, at = 0
        while let quote = memchr(p + at, 0x22, count - at) {
            odd.toggle()
            at = UnsafeRawPointer(quote).assumingMemoryBound(to: UInt8.self) - p + 1
        }
        return odd
    }

    /// The cells of a record without quotes, as views of it.
    static func plainCells(of record: UnsafeBufferPointer<UInt8>, into cells: inout [UnsafeBufferPointer<UInt8>]) {
        guard let base = record.baseAddress else {
            cells.append(record)
            return
        }
        var start = 0
        while let comma = memchr(base + start, 0x2C, record.count - start) {
            let c = UnsafeRawPointer(comma).assumingMemoryBound(to: UInt8.self) - base
            cells.append(UnsafeBufferPointer(start: base + start, count: c - start))
            start = c + 1
        }
        cells.append(UnsafeBufferPointer(start: base + start, count: record.count - start))
    }

    /// The cells of a record with quotes, unquoted into `text` (kept from record to
    /// record), each as its range there. What follows a cell's closing quote, up to
    /// the next comma, is dropped.
    static func quotedCells(of record: UnsafeBufferPointer<UInt8>, into text: inout [UInt8], ranges: inout [Range<Int>]) {
        text.removeAll(keepingCapacity: true)
        ranges.removeAll(keepingCapacity: true)
        guard let base = record.baseAddress else {
            ranges.append(0..<0)
            return
        }
        let count = record.count
        /// Where the next `byte` is from `i` on, or `count`.
        func next(_ byte: Int32, from i: Int) -> Int {
            guard let found = memchr(base + i, byte, count - i) else { return count }
            return UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
        }
        var i = 0
        while true {
            let start = text.count
            if i < count, base[i] == 0x22 {
                i += 1
                // Runs up to each quote at once: `""` is a quote, a lone one closes the cell.
                while i < count {
                    let quote = next(0x22, from: i)
                    text.append(contentsOf: UnsafeBufferPointer(start: base + i, count: quote - i))
                    i = quote + 1
                    guard i < count, base[i] == 0x22 else { break }
                    text.append(0x22)
                    i += 1
                }
                i = next(0x2C, from: min(i, count))
            } else {
                let comma = next(0x2C, from: i)
                text.append(contentsOf: UnsafeBufferPointer(start: base + i, count: comma - i))
                i = comma
            }
            ranges.append(start..<text.count)
            guard i < count else { break }
            i += 1    // the comma
        }
    }
}
