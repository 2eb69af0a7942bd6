import PolicyValues
import PolicySyntax
import PolicyRuntime
import PolicyFiles

/// Why a history cannot be used: the file cannot be read, or it is not a history.
public enum HistoryError: Error {
    case file(FileError)
    case malformed(DataError)
}

/// The actions earlier runs recorded (`policy run --history FILE`): a CSV of the
/// output's columns plus `as_of` (the date of the run that wrote the record) and
/// `occasion` (the value of the rule's `once for` expression, empty otherwise).
/// A missing file is an empty history.
public struct ActionHistory: Sendable {
    /// The file's columns, in order.
    public static let columns = ActionRecord.columns + ["as_of", "occasion"]

    /// The records read, each with its cells in `columns` order, leaving out those
    /// of the run's own as-of date (a run never reads them: it replaces them).
    public private(set) var records: [[String]] = []
    /// How many records of the run's own date were left out (to be replaced).
    public private(set) var replaced = 0

    public init() {}

    /// The records `program`'s rules read, indexed by customer.
    public func index(for program: Program) -> HistoryIndex {
        let column = { (name: String) in Self.columns.firstIndex(of: name)! }
        let action = column("action"), channel = column("channel"), asOf = column("as_of"), occasion = column("occasion")
        // INVARIANT: every record's `as_of` was read as a date (`parse`).
        return HistoryIndex(program: program, records: records.map {
            ($0[0], $0[1], $0[action], $0[channel], CivilDate(iso: $0[asOf])!, $0[occasion])
        })
    }

    /// Reads the history at `path` for a run on `asOf`. A malformed file is an error
    /// with its place (E0515); a file that cannot be read is a `FileError`.
    public static func read(_ path: String, asOf: CivilDate) throws(HistoryError) -> ActionHistory {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.open(path).readText(limit: MemoryBudget.available() ?? Int.max)
        } catch {
            if error.isMissing { return ActionHistory() }
            throw .file(error)
        }
        do {
            return try parse(bytes, path: path, asOf: asOf)
        } catch {
            throw .malformed(error)
        }
    }

    /// Reads a history's bytes.
    public static func parse(_ bytes: [UInt8], path: String, asOf: CivilDate) throws(DataError) -> ActionHistory {
        var history = ActionHistory()
        guard !bytes.isEmpty else { return history }
        func problem(_ line: Int, _ column: Int, _ message: String, help: String? = nil) -> DataError {
            DataError(file: path, line: line, column: column, code: .malformedHistory, message: message,
                      help: help ?? "the history is written by `policy run --history`; restore it from a backup or move it away to start afresh")
        }
        var reader: CSVReader
        do {
            reader = try CSVReader(bytes: bytes, delimiter: .comma)
        } catch {
            throw problem(error.line, error.column, "the history cannot be read as CSV: \(error.message)")
        }
        guard reader.header == columns else {
            throw problem(reader.headerLine, 1, "the history's header is `\(reader.header.joined(separator: ","))`",
                          help: "a history file starts with `\(columns.joined(separator: ","))`")
        }
        let asOfColumn = columns.firstIndex(of: "as_of")!
        var record = CSVRecord()
        let today = asOf.iso
        while true {
            let more: Bool
            do {
                more = try reader.next(into: &record)
            } catch {
                throw problem(error.line, error.column, "the history cannot be read as CSV: \(error.message)")
            }
            guard more else { break }
            guard record.fields.count == columns.count else {
                throw problem(record.line, 1, "the record has \(record.fields.count) cells, but a history record has \(columns.count)")
            }
            let cells = record.fields.map { reader.string($0) }
            // The column of a cell on its line, in characters, as an editor counts.
            func column(_ cell: Int) -> Int {
                let start = record.fields[cell].start
                var lineStart = start
                while lineStart > 0, bytes[lineStart - 1] != 0x0A, bytes[lineStart - 1] != 0x0D { lineStart -= 1 }
                return bytes[lineStart..<start].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
            }
            for required in [0, 1, 2, asOfColumn] where cells[required].isEmpty {
                throw problem(record.line, column(required), "the record has no `\(columns[required])`")
            }
            guard CivilDate(iso: cells[asOfColumn]) != nil else {
                throw problem(record.line, column(asOfColumn), "`as_of` is `\(cells[asOfColumn])`, expected a date written YYYY-MM-DD")
            }
            if cells[asOfColumn] == today {
                history.replaced += 1
            } else {
                history.records.append(cells)
            }
        }
        return history
    }
}
