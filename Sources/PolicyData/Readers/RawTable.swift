// Format-neutral records of text cells, as produced by the JSON readers.

/// One input record: the line it starts on and where its cells are in the table.
public struct RawRecord: Sendable, Equatable {
    /// 1-based line where the record starts in its file.
    public var line: Int
    /// Byte offset of the record's first byte (its `{`) in the file, to find its cells
    /// again for a message.
    public var offset: Int
    /// The record's cell texts: a range of ``RawTable/cellTexts``.
    public var cells: Range<Int>
    /// Where the record's columns start in ``RawTable/cellColumns`` (one per cell), or
    /// -1 when its cells are the columns 0, 1, 2, … in order, as when every record has
    /// the same keys: then no column is stored.
    public var columnsStart: Int

    /// Creates a record.
    public init(line: Int, offset: Int = 0, cells: Range<Int>, columnsStart: Int = -1) {
        self.line = line
        self.offset = offset
        self.cells = cells
        self.columnsStart = columnsStart
    }
}

/// A record that could not be loaded; the others still are.
public struct RecordProblem: Sendable, Equatable {
    /// What kind of problem it is, for the loader to report it under the right code.
    public enum Kind: Sendable, Equatable {
        /// The record does not parse, or is not an object.
        case unreadable
        /// The record gives the column `key` two values: the same key twice, or a key
        /// with dots and a nested object that flatten to the same name.
        case duplicateKey(String)
        /// A string of the record is not valid text (`flaw`): the value of `column`, or
        /// with `inKey`, its last key (`column` then ends with the key as written).
        /// `value`: the string as written, bytes that are not text shown `\xHH`.
        case flawedText(TextFlaw, column: String, value: String, inKey: Bool)
    }

    /// 1-based line of the record (or of the syntax error inside it).
    public var line: Int
    /// 1-based column in characters for a syntax error; `nil` when the whole record is at fault.
    public var column: Int?
    /// What is wrong, lowercase, no final period, e.g. `element 3 is a number, not an object`.
    public var message: String
    public var kind: Kind
    /// The bytes at fault in the file: the string that is not text, the key given twice,
    /// the element that is not an object, where a syntax error was found; nil when unknown.
    public var range: Range<Int>?
    /// Byte offset of the record's first byte, when the record was read whole (to find
    /// its key for the message).
    public var recordStart: Int?

    /// Creates a problem report.
    public init(line: Int, column: Int? = nil, message: String, kind: Kind = .unreadable,
                range: Range<Int>? = nil, recordStart: Int? = nil) {
        self.line = line
        self.column = column
        self.message = message
        self.kind = kind
        self.range = range
        self.recordStart = recordStart
    }
}

/// Records of text cells under a union of column names, stored sparsely: a record
/// keeps only the cells it has, so memory follows the cells in the file, not
/// records × columns (a file whose every record has keys of its own stays small).
public struct RawTable: Sendable, Equatable {
    /// Column names in first-seen order; nested object keys are joined with dots (`address.city`).
    public var columns: [String]
    /// Loaded records, in file order.
    public var records: [RawRecord]
    /// Every cell's text, record after record; `nil` for a JSON `null`.
    public var cellTexts: [String?]
    // INVARIANT: a record's columns ascend strictly (one cell per column).
    /// The columns of the records that do not hold exactly the columns 0, 1, 2, …
    public var cellColumns: [Int32]
    /// Records that were skipped, in input order.
    public var problems: [RecordProblem]
    /// Per column: the line of the first record that has it, for messages about the column.
    public var columnLines: [Int]
    /// Per column: the offset of the first record that has it.
    public var columnRecords: [Int]

    /// Creates a table.
    public init(columns: [String], records: [RawRecord], cellTexts: [String?], cellColumns: [Int32],
                problems: [RecordProblem], columnLines: [Int], columnRecords: [Int]? = nil) {
        self.columns = columns
        self.records = records
        self.cellTexts = cellTexts
        self.cellColumns = cellColumns
        self.problems = problems
        self.columnLines = columnLines
        self.columnRecords = columnRecords ?? columnLines.map { _ in 0 }
    }

    /// The column of each cell of record `record`, in order.
    public func columns(of record: Int) -> [Int] {
        let r = records[record]
        guard r.columnsStart >= 0 else { return Array(0..<r.cells.count) }
        return cellColumns[r.columnsStart..<(r.columnsStart + r.cells.count)].map(Int.init)
    }

    /// The text of `column` in record `record`; nil when the record has no such key or it is `null`.
    public func cell(_ record: Int, _ column: Int) -> String? {
        let r = records[record]
        return cellColumns.withUnsafeBufferPointer { all in
            RawCellColumns(r, in: all).index(of: column)
        }.flatMap { cellTexts[r.cells.lowerBound + $0] }
    }

    /// Record `record` as one optional text per column (for tests and small tables).
    public func denseCells(_ record: Int) -> [String?] {
        var cells = [String?](repeating: nil, count: columns.count)
        for (k, column) in columns(of: record).enumerated() { cells[column] = cellTexts[records[record].cells.lowerBound + k] }
        return cells
    }
}

/// The columns of one record's cells: 0, 1, 2, … or a stored ascending list.
struct RawCellColumns {
    /// The stored columns; unused when `identity`.
    let stored: UnsafeBufferPointer<Int32>
    let identity: Bool
    let count: Int

    init(_ record: RawRecord, in all: UnsafeBufferPointer<Int32>) {
        count = record.cells.count
        identity = record.columnsStart < 0
        stored = identity ? UnsafeBufferPointer(start: nil, count: 0)
                          : UnsafeBufferPointer(rebasing: all[record.columnsStart..<(record.columnsStart + count)])
    }

    /// The column of cell `k`.
    @inline(__always)
    subscript(k: Int) -> Int { identity ? k : Int(stored[k]) }

    /// The position of `column` among the cells, or nil: one comparison when the cells
    /// are columns 0, 1, 2, …, otherwise a binary search.
    @inline(__always)
    func index(of column: Int) -> Int? {
        if identity { return column >= 0 && column < count ? column : nil }
        var low = 0, high = count
        while low < high {
            let mid = (low + high) >> 1
            if Int(stored[mid]) < column { low = mid + 1 } else { high = mid }
        }
        return low < count && Int(stored[low]) == column ? low : nil
    }
}
