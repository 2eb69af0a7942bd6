import PolicyValues
import PolicySyntax
import PolicyRuntime
import PolicyFiles
import Glibc
import Dispatch

/// Why a history cannot be used: the file cannot be read, or it is not a history.
public enum HistoryError: Error {
    case file(FileError)
    case malformed(DataError)
}

/// The actions earlier runs recorded (`policy run --history FILE`): a CSV of the
/// output's columns plus `as_of` (the date of the run that wrote the record) and
/// `occasion` (the value of the rule's `once for` expression, empty otherwise).
/// A missing file is an empty history.
///
/// The file is read once, as a stream of large blocks, each cut in two at a line end
/// and read on both cores: every record is checked, and only those the program reads
/// are kept (`index`). A run that records its actions copies the file as it reads it,
/// byte for byte, but for the records of its own as-of date, which it replaces. So a
/// history of millions of records costs what the program needs of it, and one pass.
public struct ActionHistory: Sendable {
    /// The file's columns, in order.
    public static let columns = ActionRecord.columns + ["as_of", "occasion"]
    static let asOfColumn = columns.firstIndex(of: "as_of")!

    /// The records the program reads, by customer.
    public private(set) var index = HistoryIndex()
    /// How many records were read, and how many of them are the run's own date's (replaced).
    public private(set) var count = 0
    public private(set) var replaced = 0

    /// Reads the history at `path` for `program` run on its as-of date. With `copy`,
    /// writes into it the file's header and records, as the file has them, but those
    /// of the run's own date (the header alone when there is no file). A malformed
    /// file is an error with its place (E0516); a file that cannot be read is a `FileError`.
    public static func read(_ path: String, for program: Program, copyingInto copy: ByteSink? = nil) throws(HistoryError) -> ActionHistory {
        let reading = try reading(path, for: program, copyingInto: copy)
        var history = ActionHistory()
        history.count = reading.total.count
        history.replaced = reading.total.replaced
        history.index = HistoryIndex(program: program, records: reading.total.records)
        return history
    }

    /// The reading behind `read`, in blocks of `blockSize` bytes; `quick` off reads
    /// every record the general way, `mapped` off reads a regular file as a stream
    /// (tests compare them).
    static func reading(_ path: String, for program: Program, copyingInto copy: ByteSink?,
                        blockSize: Int = 4 << 20, quick: Bool = true, mapped: Bool = true) throws(HistoryError) -> Reading {
        var reading = Reading(query: HistoryQuery(path: path, program: program), copy: copy)
        reading.quick = quick
        let file: InputFile
        do {
            file = try InputFile.open(path)
        } catch {
            guard error.isMissing else { throw .file(error) }
            reading.finishCopy()
            return reading
        }
        // A regular file is read where it lies; a stream (or a file that cannot be mapped) into blocks.
        if mapped, let map = MappedFile(file) {
            try reading.read(map, of: file, blockSize: max(blockSize, 1))
        } else {
            try reading.read(file, blockSize: max(blockSize, 1))
        }
        reading.finishCopy()
        return reading
    }

    /// Checks the header: the history's columns, in order.
    static func checkHeader(_ cells: [UnsafeBufferPointer<UInt8>], line: Int, path: String) throws(HistoryError) {
        let names = cells.map { String(decoding: $0, as: UTF8.self) }
        guard names == columns else {
            throw .malformed(DataError(file: path, line: line, column: 1, code: .malformedHistory,
                                       message: "the history's header is `\(names.joined(separator: ","))`",
                                       help: "a history file starts with `\(columns.joined(separator: ","))`"))
        }
    }

    /// Checks one record: ten cells, a customer, a rule, an action, and a date.
    static func check(_ cells: [UnsafeBufferPointer<UInt8>], line: Int, raw: UnsafeBufferPointer<UInt8>, path: String) throws(HistoryError) {
        func problem(_ cell: Int, _ message: String) -> HistoryError {
            // The column of a cell on its line, in characters, as an editor counts.
            var column = 1
            if cell < cells.count, let base = raw.baseAddress, let start = cells[cell].baseAddress,
               start >= base, start <= base + raw.count {
                var lineStart = 0
                let offset = start - base
                for i in 0..<offset where raw[i] == 0x0A { lineStart = i + 1 }
                column = raw[lineStart..<offset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
            }
            return .malformed(DataError(file: path, line: line, column: column, code: .malformedHistory, message: message,
                                        help: "the history is written by `policy run --history`; restore it from a backup or move it away to start afresh"))
        }
        guard cells.count == columns.count else {
            throw problem(cells.count, "the record has \(cells.count) cells, but a history record has \(columns.count)")
        }
        for required in [0, 1, 2, asOfColumn] where cells[required].isEmpty {
            throw problem(required, "the record has no `\(columns[required])`")
        }
        guard CivilDate(isoUTF8: cells[asOfColumn]) != nil else {
            throw problem(asOfColumn, "`as_of` is `\(String(decoding: cells[asOfColumn], as: UTF8.self))`, expected a date written YYYY-MM-DD")
        }
    }
}
