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
    /// The rows, ascending, that may have a non-empty cell in `column`, when the batch
    /// knows them without looking at every row (sparse JSON); nil otherwise.
    func rowsHaving(_ column: Int) -> ArraySlice<Int>?

    /// The file's bytes, to place rejects in.
    var bytes: UnsafeBufferPointer<UInt8> { get }
    /// Where the row starts in the file: its first byte and the line of it (relative to
    /// the batch's piece of the file, as `line(_:)`).
    func start(_ row: Int) -> (offset: Int, line: Int)
    /// The bytes of the cell in `column` of row `row` (a quoted cell with its quotes, a
    /// JSON value as written); nil when the row has no such cell. Only called for rejects.
    func cellRange(_ row: Int, _ column: Int) -> Range<Int>?
}

extension CellBatch {
    func rowsHaving(_ column: Int) -> ArraySlice<Int>? { nil }
}

/// The cells of one CSV record: spans into the file's bytes.
struct CSVCells: CellSource {
    let bytes: UnsafeBufferPointer<UInt8>
    let fields: UnsafeBufferPointer<CSVField>

    @inline(__always)
    func withCell<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        fields[column].withContent(in: bytes, body)
    }

    /// Unescaping cannot make a cell blank or not, so the bytes as written are looked at.
    func isEmpty(_ column: Int) -> Bool {
        let field = fields[column]
        return CellText.isBlank(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]))
    }

    /// Bytes that are not text are written `\xHH` (never U+FFFD), so that a reject
    /// shows what the file holds.
    func raw(_ column: Int) -> String {
        fields[column].withContent(in: bytes) { TextScan.escaped(CellText.trimmed($0)) }
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

    func start(_ row: Int) -> (offset: Int, line: Int) {
        (CSVBatch.recordStart(from: starts[row], in: bytes), lines[row])
    }

    func cellRange(_ row: Int, _ column: Int) -> Range<Int>? {
        column < width ? CSVBatch.range(of: fields[row * width + column]) : nil
    }

    /// The first byte of a record whose reading started at `scanStart`: after the blank
    /// lines before it, at the start of its line.
    static func recordStart(from scanStart: Int, in p: UnsafeBufferPointer<UInt8>) -> Int {
        var i = scanStart
        while i < p.count && TextCursor.isLineEnd(p[i]) { i += 1 }
        return i
    }

    /// The bytes of a field as written: a quoted one with its quotes.
    static func range(of field: CSVField) -> Range<Int> {
        field.quoted ? (field.start - 1)..<(field.end + 1) : field.start..<field.end
    }
}

/// The cells of one JSON record: their columns and texts (nil: null).
struct JSONCells: CellSource {
    let columns: RawCellColumns
    let texts: UnsafeBufferPointer<String?>

    @inline(__always)
    func text(_ column: Int) -> String? {
        columns.index(of: column).flatMap { texts[$0] }
    }

    func withCell<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard var text = text(column) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return text.withUTF8(body)
    }

    func isEmpty(_ column: Int) -> Bool {
        guard let text = text(column) else { return true }
        return CellText.isBlank(text)
    }

    func raw(_ column: Int) -> String {
        text(column).map(CellText.trimmed) ?? ""
    }
}

/// A run of records of a raw table, over its cell storage; a record's origin is its index.
struct JSONBatch: CellBatch {
    let records: UnsafeBufferPointer<RawRecord>
    /// The index of the first record in the table.
    let first: Int
    let texts: UnsafeBufferPointer<String?>
    let columns: UnsafeBufferPointer<Int32>
    /// The rows of each column, when the records are sparse.
    let byColumn: ColumnRows?
    /// The file's bytes and the table's column names, to find a cell again for a reject.
    let bytes: UnsafeBufferPointer<UInt8>
    let names: [String]

    /// `names`: the table's columns. When the records hold fewer than half of records ×
    /// columns cells, the rows of each column are indexed, so that a column is read in
    /// the time of its own cells.
    init(records: UnsafeBufferPointer<RawRecord>, first: Int, texts: UnsafeBufferPointer<String?>,
         columns: UnsafeBufferPointer<Int32>, names: [String], bytes: UnsafeBufferPointer<UInt8>) {
        self.records = records
        self.first = first
        self.texts = texts
        self.columns = columns
        self.names = names
        self.bytes = bytes
        let columnCount = names.count
        let cells = records.reduce(0) { $0 + $1.cells.count }
        let full = records.count.multipliedReportingOverflow(by: columnCount)
        let sparse = columnCount > 8 && (full.overflow || cells < full.partialValue / 2)
        byColumn = sparse ? ColumnRows(records, columns, columnCount: columnCount) : nil
    }

    var count: Int { records.count }

    @inline(__always)
    func cells(_ row: Int) -> JSONCells {
        let record = records[row]
        return JSONCells(columns: RawCellColumns(record, in: columns), texts: UnsafeBufferPointer(rebasing: texts[record.cells]))
    }

    func line(_ row: Int) -> Int { records[row].line }
    func origin(_ row: Int) -> Int { first + row }
    func rowsHaving(_ column: Int) -> ArraySlice<Int>? { byColumn?.rows(column) }

    func start(_ row: Int) -> (offset: Int, line: Int) { (records[row].offset, records[row].line) }

    /// The record is read again to find the value: nothing is kept per cell for this.
    func cellRange(_ row: Int, _ column: Int) -> Range<Int>? {
        guard names.indices.contains(column) else { return nil }
        return JSONLocator.members(named: names[column], inObjectAt: records[row].offset, of: bytes).first?.value
    }
}

/// For each column, the rows of a batch that have a cell in it: the rows of column c
/// are `rows[starts[c]..<starts[c + 1]]`, ascending. Built in one pass over the cells.
struct ColumnRows {
    let starts: [Int]
    let rows: [Int]

    init(_ records: UnsafeBufferPointer<RawRecord>, _ columns: UnsafeBufferPointer<Int32>, columnCount: Int) {
        var starts = [Int](repeating: 0, count: columnCount + 1)
        for record in records {
            let cells = RawCellColumns(record, in: columns)
            for k in 0..<cells.count where cells[k] < columnCount { starts[cells[k] + 1] += 1 }
        }
        for c in 0..<columnCount { starts[c + 1] += starts[c] }
        var next = starts
        var rows = [Int](repeating: 0, count: starts[columnCount])
        for (row, record) in records.enumerated() {
            let cells = RawCellColumns(record, in: columns)
            for k in 0..<cells.count where cells[k] < columnCount {
                rows[next[cells[k]]] = row
                next[cells[k]] += 1
            }
        }
        self.starts = starts
        self.rows = rows
    }

    func rows(_ column: Int) -> ArraySlice<Int> {
        column >= 0 && column + 1 < starts.count ? rows[starts[column]..<starts[column + 1]] : []
    }
}
