/// Where a row's cells come from: a CSV record's spans, or a JSON record's strings.
protocol CellSource {
    /// Calls `body` with the bytes of the cell of `column`.
    func withCell<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R
    /// Whether the cell holds nothing but spaces (cheaper than reading it).
    func isEmpty(_ column: Int) -> Bool
    /// The cell's text, trimmed, for reports (only called for rejects).
    func raw(_ column: Int) -> String
}

/// A run of rows, read a column at a time: each column's cells are read in one
/// tight loop into one column of the table.
protocol CellBatch {
    associatedtype Cells: CellSource
    var count: Int { get }
    /// The cells of row `row` of the batch.
    func cells(_ row: Int) -> Cells
    /// The line the row starts on (relative to its piece of the file).
    func line(_ row: Int) -> Int
    /// Where the row can be found again, to quote its key in a later message.
    func origin(_ row: Int) -> Int
}

/// The cells of one CSV record: spans into the file's bytes.
struct CSVCells: CellSource {
    let bytes: UnsafeBufferPointer<UInt8>
    let fields: UnsafeBufferPointer<CSVField>

    @inline(__always)
    func withCell<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let field = fields[column]
        if field.hasEscapedQuotes {
            // `""` inside quotes stands for one quote: read an unescaped copy (rare).
            var text = unescaped(field)
            return text.withUTF8(body)
        }
        return body(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]))
    }

    func isEmpty(_ column: Int) -> Bool {
        let field = fields[column]
        return CellReader.trimmed(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])).isEmpty
    }

    func raw(_ column: Int) -> String {
        unescaped(fields[column]).trimmingSpaces
    }

    func unescaped(_ field: CSVField) -> String {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]), as: UTF8.self)
        return field.hasEscapedQuotes ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
    }
}

/// CSV records of the same width, their fields laid end to end.
struct CSVBatch: CellBatch {
    let bytes: UnsafeBufferPointer<UInt8>
    // INVARIANT: fields.count == width * lines.count == width * starts.count.
    let fields: UnsafeBufferPointer<CSVField>
    let width: Int
    let lines: UnsafeBufferPointer<Int>
    /// The offset each record's scan started from (blank lines before it included).
    let starts: UnsafeBufferPointer<Int>

    var count: Int { lines.count }

    @inline(__always)
    func cells(_ row: Int) -> CSVCells {
        CSVCells(bytes: bytes, fields: UnsafeBufferPointer(rebasing: fields[(row * width)..<(row * width + width)]))
    }

    func line(_ row: Int) -> Int { lines[row] }
    func origin(_ row: Int) -> Int { starts[row] }
}

/// The cells of one JSON record, as strings (nil: missing or null).
struct JSONCells: CellSource {
    let cells: [String?]

    func withCell<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard column < cells.count, var text = cells[column] else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return text.withUTF8(body)
    }

    func isEmpty(_ column: Int) -> Bool {
        guard column < cells.count, let text = cells[column] else { return true }
        return text.trimmingSpaces.isEmpty
    }

    func raw(_ column: Int) -> String {
        column < cells.count ? (cells[column] ?? "") : ""
    }
}

/// JSON records `range` of a raw table; a record's origin is its index.
struct JSONBatch: CellBatch {
    let records: ArraySlice<RawRecord>

    var count: Int { records.count }
    func cells(_ row: Int) -> JSONCells { JSONCells(cells: records[records.startIndex + row].cells) }
    func line(_ row: Int) -> Int { records[records.startIndex + row].line }
    func origin(_ row: Int) -> Int { records.startIndex + row }
}
