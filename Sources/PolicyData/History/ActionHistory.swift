import PolicyValues
import PolicySyntax
import PolicyRuntime
import PolicyFiles
import Glibc

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
/// The file is read as a stream, a block at a time: every record is checked, and
/// only those the program reads are kept (`index`). When the run records its own
/// actions, the file is read a second time and its records copied byte for byte,
/// but those of the run's own as-of date (`copyEarlierRecords`). So a history of
/// millions of records costs what the program needs of it, not the file's size.
public struct ActionHistory: Sendable {
    /// The file's columns, in order.
    public static let columns = ActionRecord.columns + ["as_of", "occasion"]
    static let asOfColumn = columns.firstIndex(of: "as_of")!

    /// The file (nil: no file, an empty history).
    let path: String?
    let asOf: CivilDate
    /// The records the program reads, by customer.
    public private(set) var index = HistoryIndex()
    /// How many records were read, and how many of them are the run's own date's (to be replaced).
    public private(set) var count = 0
    public private(set) var replaced = 0

    /// Reads the history at `path` for `program` run on its as-of date. A malformed
    /// file is an error with its place (E0516); a file that cannot be read is a `FileError`.
    public static func read(_ path: String, for program: Program) throws(HistoryError) -> ActionHistory {
        var history = ActionHistory(path: path, asOf: program.asOf)
        var records: [HistoryIndex.Record] = []
        let (rules, kinds) = HistoryIndex.wanted(program)
        let wantedRules = rules.map { Array($0.utf8) }, wantedKinds = kinds.map { Array($0.utf8) }
        let today = Array(program.asOf.iso.utf8)
        do {
            try history.forEachRecord { raw, cells, line in
                try check(cells, line: line, raw: raw, path: path)
                history.count += 1
                if cells[asOfColumn].elementsEqual(today) {
                    history.replaced += 1
                    return
                }
                guard wantedRules.contains(where: { $0.elementsEqual(cells[1]) })
                        || wantedKinds.contains(where: { $0.elementsEqual(cells[2]) }) else { return }
                let rule = String(decoding: cells[1], as: UTF8.self), action = String(decoding: cells[2], as: UTF8.self)
                // INVARIANT: `check` read the as-of date.
                records.append((String(decoding: cells[0], as: UTF8.self), rule, action, String(decoding: cells[4], as: UTF8.self),
                                CivilDate(isoUTF8: cells[asOfColumn])!, String(decoding: cells[9], as: UTF8.self)))
            }
        } catch let error as HistoryError {
            if case .file(let fileError) = error, fileError.isMissing { return ActionHistory(path: nil, asOf: program.asOf) }
            throw error
        } catch {
            throw .malformed(DataError(file: path, line: 1, column: 1, code: .malformedHistory, message: "the history cannot be read"))
        }
        history.index = HistoryIndex(program: program, records: records)
        return history
    }

    /// Writes the header and every record of an earlier date, as the file has them:
    /// the whole file as it is, a block at a time, when none is of the run's own date.
    public func copyEarlierRecords(into sink: ByteSink) throws(HistoryError) {
        var header = Self.columns.joined(separator: ",")
        header.append("\n")
        guard let path else {
            sink.write(header)
            return
        }
        if replaced == 0 {
            var last: UInt8? = nil
            do {
                try InputFile.open(path).forEachBlock { block in
                    let bytes = block.bindMemory(to: UInt8.self)
                    sink.write(bytes: bytes)
                    last = bytes.last ?? last
                }
            } catch {
                throw .file(error)
            }
            if last == nil { sink.write(header) } else if last != 0x0A { sink.write("\n") }
            return
        }
        sink.write(header)
        let today = Array(asOf.iso.utf8)
        do {
            try forEachRecord { raw, cells, line in
                try Self.check(cells, line: line, raw: raw, path: path)
                guard !cells[Self.asOfColumn].elementsEqual(today) else { return }
                sink.write(bytes: raw)
                sink.write([UInt8(ascii: "\n")])
            }
        } catch let error as HistoryError {
            throw error
        } catch {
            throw .malformed(DataError(file: path, line: 1, column: 1, code: .malformedHistory, message: "the history cannot be read"))
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

    /// Calls `body` with each record after the header: its bytes as written (without
    /// the line end), its cells unquoted, and the line it starts on.
    func forEachRecord(_ body: (UnsafeBufferPointer<UInt8>, [UnsafeBufferPointer<UInt8>], Int) throws -> Void) throws {
        guard let path else { return }
        let file: InputFile
        do {
            file = try InputFile.open(path)
        } catch {
            throw HistoryError.file(error)
        }
        var splitter = RecordSplitter()
        var failure: Error? = nil
        var header = true
        var plain: [UnsafeBufferPointer<UInt8>] = []
        func handle(_ raw: UnsafeBufferPointer<UInt8>, _ line: Int) {
            guard failure == nil else { return }
            // INVARIANT: the splitter hands over no empty record.
            let start = raw.baseAddress!
            do {
                if memchr(start, 0, raw.count) != nil {
                    throw HistoryError.malformed(DataError(file: path, line: line, column: 1, code: .malformedHistory,
                                                           message: "the history is not text: it holds a NUL byte"))
                }
                if !header, memchr(start, 0x22, raw.count) == nil {
                    // The common record, without quotes: its cells are views of it.
                    plain.removeAll(keepingCapacity: true)
                    RecordSplitter.plainCells(of: raw, into: &plain)
                    try body(raw, plain, line)
                    return
                }
                var storage: [[UInt8]] = []
                let cells = RecordSplitter.cells(of: raw, unquoted: &storage)
                try storage.withUnsafeBufferPointers(count: cells.count) { unquoted in
                    let views = cells.enumerated().map { i, cell in cell ?? unquoted[i] }
                    if header {
                        header = false
                        let names = views.map { String(decoding: $0, as: UTF8.self) }
                        guard names == Self.columns else {
                            throw HistoryError.malformed(DataError(file: path, line: line, column: 1, code: .malformedHistory,
                                                                   message: "the history's header is `\(names.joined(separator: ","))`",
                                                                   help: "a history file starts with `\(Self.columns.joined(separator: ","))`"))
                        }
                        return
                    }
                    try body(raw, views, line)
                }
            } catch {
                failure = error
            }
        }
        do {
            try file.forEachBlock { block in
                guard failure == nil else { return }
                splitter.feed(block.bindMemory(to: UInt8.self), handle)
            }
        } catch {
            throw HistoryError.file(error)
        }
        if failure == nil, splitter.inQuotes {
            failure = HistoryError.malformed(DataError(file: path, line: splitter.recordLine, column: 1, code: .malformedHistory,
                                                       message: "the history cannot be read as CSV: a quoted cell never closes"))
        }
        if failure == nil { splitter.finish(handle) }
        if let failure { throw failure }
    }
}

/// Cuts a stream of CSV bytes into records: a line end ends a record unless it is
/// inside quotes (a `""` inside quotes is a quote, and leaves the quotes open).
struct RecordSplitter {
    private var pending: [UInt8] = []
    private(set) var inQuotes = false
    /// The line the pending record starts on, and the line being read.
    private(set) var recordLine = 1
    private var line = 1

    mutating func feed(_ block: UnsafeBufferPointer<UInt8>, _ record: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
        guard let base = block.baseAddress, !block.isEmpty else { return }
        var start = 0, i = 0
        while i < block.count {
            if inQuotes {
                // Inside quotes only a quote matters (a line end there is part of a cell).
                guard let quote = memchr(base + i, 0x22, block.count - i) else {
                    line += countLineEnds(base + i, block.count - i)
                    i = block.count
                    break
                }
                let q = UnsafeRawPointer(quote).assumingMemoryBound(to: UInt8.self) - base
                line += countLineEnds(base + i, q - i)
                inQuotes = false
                i = q + 1
                continue
            }
            // Outside quotes: the next line end ends the record, unless a quote opens first.
            guard let end = memchr(base + i, 0x0A, block.count - i) else {
                if let quote = memchr(base + i, 0x22, block.count - i) {
                    inQuotes = true
                    i = UnsafeRawPointer(quote).assumingMemoryBound(to: UInt8.self) - base + 1
                    continue
                }
                i = block.count
                break
            }
            let e = UnsafeRawPointer(end).assumingMemoryBound(to: UInt8.self) - base
            if let quote = memchr(base + i, 0x22, e - i) {
                inQuotes = true
                i = UnsafeRawPointer(quote).assumingMemoryBound(to: UInt8.self) - base + 1
                continue
            }
            line += 1
            let piece = UnsafeBufferPointer(rebasing: block[start..<e])
            if pending.isEmpty {
                emit(piece, record)
            } else {
                pending.append(contentsOf: piece)
                let whole = pending
                pending.removeAll(keepingCapacity: true)
                whole.withUnsafeBufferPointer { emit($0, record) }
            }
            start = e + 1
            i = start
            recordLine = line
        }
        pending.append(contentsOf: UnsafeBufferPointer(rebasing: block[start...]))
    }

    private func countLineEnds(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var count = 0
        for k in 0..<n where p[k] == 0x0A { count += 1 }
        return count
    }

    /// The last record, when the file does not end with a line end.
    mutating func finish(_ record: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
        guard !pending.isEmpty else { return }
        let whole = pending
        pending.removeAll()
        whole.withUnsafeBufferPointer { emit($0, record) }
    }

    private func emit(_ raw: UnsafeBufferPointer<UInt8>, _ record: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
        var bytes = raw
        if bytes.last == 0x0D { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
        // A blank line is no record.
        guard !bytes.isEmpty else { return }
        record(bytes, recordLine)
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

    /// A record's cells: a cell without quotes as a view of the record (no copy); a
    /// quoted one is unquoted into `unquoted` (its place there given by its index).
    static func cells(of record: UnsafeBufferPointer<UInt8>, unquoted: inout [[UInt8]]) -> [UnsafeBufferPointer<UInt8>?] {
        var cells: [UnsafeBufferPointer<UInt8>?] = []
        var i = 0
        while true {
            if i < record.count, record[i] == 0x22 {
                var text: [UInt8] = []
                i += 1
                while i < record.count {
                    if record[i] == 0x22 {
                        if i + 1 < record.count, record[i + 1] == 0x22 {
                            text.append(0x22)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    text.append(record[i])
                    i += 1
                }
                while i < record.count, record[i] != 0x2C { i += 1 }
                while unquoted.count < cells.count { unquoted.append([]) }
                unquoted.append(text)
                cells.append(nil)
            } else {
                var end = i
                while end < record.count, record[end] != 0x2C { end += 1 }
                cells.append(UnsafeBufferPointer(rebasing: record[i..<end]))
                i = end
            }
            guard i < record.count else { break }
            i += 1    // the comma
        }
        while unquoted.count < cells.count { unquoted.append([]) }
        return cells
    }
}

extension Array where Element == [UInt8] {
    /// Calls `body` with a view of each of the first `count` arrays, valid during the call.
    func withUnsafeBufferPointers<R>(count: Int, _ body: ([UnsafeBufferPointer<UInt8>]) throws -> R) rethrows -> R {
        var views: [UnsafeBufferPointer<UInt8>] = []
        func nest(_ k: Int) throws -> R {
            guard k < count else { return try body(views) }
            return try self[k].withUnsafeBufferPointer { view in
                views.append(view)
                return try nest(k + 1)
            }
        }
        return try nest(0)
    }
}
