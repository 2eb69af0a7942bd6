// Format-neutral rows of text cells, as produced by the JSON readers.

/// One input record: the line it starts on and one optional text cell per column.
public struct RawRecord: Sendable, Equatable {
    /// 1-based line where the record starts in its file.
    public var line: Int
    /// Cells in the order of ``RawTable/columns``; `nil` for null or a missing key.
    public var cells: [String?]

    /// Creates a record.
    public init(line: Int, cells: [String?]) {
        self.line = line
        self.cells = cells
    }
}

/// A record that could not be loaded; the others still are.
public struct RecordProblem: Sendable, Equatable {
    /// 1-based line of the record (or of the syntax error inside it).
    public var line: Int
    /// 1-based column in characters for a syntax error; `nil` when the whole record is at fault.
    public var column: Int?
    /// What is wrong, lowercase, no final period, e.g. `element 3 is a number, not an object`.
    public var message: String

    /// Creates a problem report.
    public init(line: Int, column: Int? = nil, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}

/// Records of text cells under a union of column names.
public struct RawTable: Sendable, Equatable {
    /// Column names in first-seen order; nested object keys are joined with dots (`address.city`).
    public var columns: [String]
    /// Loaded records; every `cells` array has exactly `columns.count` entries.
    public var records: [RawRecord]
    /// Records that were skipped, in input order.
    public var problems: [RecordProblem]
    /// Per column: the line of the first record that has it, for messages about the column.
    public var columnLines: [Int]

    /// Creates a table; `columnLines` defaults to line 1 for every column.
    public init(columns: [String], records: [RawRecord], problems: [RecordProblem], columnLines: [Int]? = nil) {
        self.columns = columns
        self.records = records
        self.problems = problems
        self.columnLines = columnLines ?? Array(repeating: 1, count: columns.count)
    }
}
