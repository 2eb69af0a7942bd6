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
        let (rules, kinds) = HistoryIndex.wanted(program)
        var reading = Reading(path: path, today: Array(program.asOf.iso.utf8), wantedRules: rules.map { Array($0.utf8) },
                              wantedKinds: kinds.map { Array($0.utf8) })
        do {
            try history.forEachRecord(&reading)
        } catch {
            if case .file(let fileError) = error, fileError.isMissing { return ActionHistory(path: nil, asOf: program.asOf) }
            throw error
        }
        history.count = reading.count
        history.replaced = reading.replaced
        history.index = HistoryIndex(program: program, records: reading.records)
        return history
    }

    /// Checks each record and keeps those the program reads.
    struct Reading: HistoryVisitor {
        let path: String
        let today: [UInt8]
        let wantedRules: [[UInt8]]
        let wantedKinds: [[UInt8]]
        var count = 0, replaced = 0
        var records: [HistoryIndex.Record] = []

        mutating func visit(_ raw: UnsafeBufferPointer<UInt8>, _ cells: [UnsafeBufferPointer<UInt8>], line: Int) throws(HistoryError) {
            try ActionHistory.check(cells, line: line, raw: raw, path: path)
            count += 1
            if cells[ActionHistory.asOfColumn].elementsEqual(today) {
                replaced += 1
                return
            }
            guard !wantedRules.isEmpty || !wantedKinds.isEmpty else { return }
            guard wantedRules.contains(where: { $0.elementsEqual(cells[1]) })
                    || wantedKinds.contains(where: { $0.elementsEqual(cells[2]) }) else { return }
            let text = { (cell: Int) in String(decoding: cells[cell], as: UTF8.self) }
            // INVARIANT: `check` read the as-of date.
            records.append((text(0), text(1), text(2), text(4), CivilDate(isoUTF8: cells[ActionHistory.asOfColumn])!, text(9)))
        }
    }

    /// Copies each record of an earlier date as the file has it.
    struct Copying: HistoryVisitor {
        let path: String
        let today: [UInt8]
        let sink: ByteSink
        /// `\n`, as bytes that stay put while the copy runs.
        let lineEnd: UnsafeBufferPointer<UInt8>

        mutating func visit(_ raw: UnsafeBufferPointer<UInt8>, _ cells: [UnsafeBufferPointer<UInt8>], line: Int) throws(HistoryError) {
            try ActionHistory.check(cells, line: line, raw: raw, path: path)
            guard !cells[ActionHistory.asOfColumn].elementsEqual(today) else { return }
            sink.write(bytes: raw)
            sink.write(bytes: lineEnd)
        }
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
        let lineEnd = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        lineEnd.initialize(to: 0x0A)
        defer { lineEnd.deallocate() }
        var copying = Copying(path: path, today: Array(asOf.iso.utf8), sink: sink, lineEnd: UnsafeBufferPointer(start: lineEnd, count: 1))
        try forEachRecord(&copying)
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

    /// Hands each record after the header to `visitor`: its bytes as written (without
    /// the line end), its cells unquoted, and the line it starts on.
    func forEachRecord<V: HistoryVisitor>(_ visitor: inout V) throws(HistoryError) {
        guard let path else { return }
        let file: InputFile
        do {
            file = try InputFile.open(path)
        } catch {
            throw .file(error)
        }
        var splitter = RecordSplitter()
        var scan = Scan(path: path, visitor: visitor)
        do {
            try file.forEachBlock { block in
                guard scan.failure == nil else { return }
                splitter.feed(block.bindMemory(to: UInt8.self), &scan)
            }
        } catch {
            throw .file(error)
        }
        if scan.failure == nil, splitter.inQuotes {
            scan.failure = .malformed(DataError(file: path, line: splitter.recordLine, column: 1, code: .malformedHistory,
                                                message: "the history cannot be read as CSV: a quoted cell never closes"))
        }
        if scan.failure == nil { splitter.finish(&scan) }
        visitor = scan.visitor
        if let failure = scan.failure { throw failure }
    }

    /// The records of one reading: the header checked, then each record's cells found
    /// (views of the record, or unquoted into a buffer kept from record to record).
    struct Scan<V: HistoryVisitor>: RecordSink {
        let path: String
        var visitor: V
        var failure: HistoryError? = nil
        var header = true
        var cells: [UnsafeBufferPointer<UInt8>] = []
        var unquoted: [UInt8] = []
        var ranges: [Range<Int>] = []

        init(path: String, visitor: V) {
            self.path = path
            self.visitor = visitor
        }

        mutating func record(_ raw: UnsafeBufferPointer<UInt8>, line: Int) {
            guard failure == nil else { return }
            // INVARIANT: the splitter hands over no empty record.
            let start = raw.baseAddress!
            do throws(HistoryError) {
                if memchr(start, 0, raw.count) != nil {
                    throw .malformed(DataError(file: path, line: line, column: 1, code: .malformedHistory,
                                               message: "the history is not text: it holds a NUL byte"))
                }
                if memchr(start, 0x22, raw.count) == nil {
                    cells.removeAll(keepingCapacity: true)
                    RecordSplitter.plainCells(of: raw, into: &cells)
                    try handle(raw, line: line)
                    return
                }
                RecordSplitter.quotedCells(of: raw, into: &unquoted, ranges: &ranges)
                try unquoted.withUnsafeBufferPointer { (text) throws(HistoryError) in
                    cells.removeAll(keepingCapacity: true)
                    for range in ranges { cells.append(UnsafeBufferPointer(rebasing: text[range])) }
                    try handle(raw, line: line)
                }
            } catch {
                failure = error
            }
        }

        private mutating func handle(_ raw: UnsafeBufferPointer<UInt8>, line: Int) throws(HistoryError) {
            guard header else {
                try visitor.visit(raw, cells, line: line)
                return
            }
            header = false
            let names = cells.map { String(decoding: $0, as: UTF8.self) }
            guard names == ActionHistory.columns else {
                throw .malformed(DataError(file: path, line: line, column: 1, code: .malformedHistory,
                                           message: "the history's header is `\(names.joined(separator: ","))`",
                                           help: "a history file starts with `\(ActionHistory.columns.joined(separator: ","))`"))
            }
        }
    }
}

/// What reads the records of a history, one at a time.
protocol HistoryVisitor {
    mutating func visit(_ raw: UnsafeBufferPointer<UInt8>, _ cells: [UnsafeBufferPointer<UInt8>], line: Int) throws(HistoryError)
}

/// What the record splitter hands each record to.
protocol RecordSink {
    mutating func record(_ raw: UnsafeBufferPointer<UInt8>, line: Int)
}

/// Cuts a stream of CSV bytes into records: a line end ends a record unless it is
/// inside quotes (a `""` inside quotes is a quote, and leaves the quotes open).
struct RecordSplitter {
    private var pending: [UInt8] = []
    private(set) var inQuotes = false
    /// The line the pending record starts on, and the line being read.
    private(set) var recordLine = 1
    private var line = 1

    mutating func feed<S: RecordSink>(_ block: UnsafeBufferPointer<UInt8>, _ sink: inout S) {
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
                emit(piece, &sink)
            } else {
                pending.append(contentsOf: piece)
                let whole = pending
                pending.removeAll(keepingCapacity: true)
                whole.withUnsafeBufferPointer { emit($0, &sink) }
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
    mutating func finish<S: RecordSink>(_ sink: inout S) {
        guard !pending.isEmpty else { return }
        let whole = pending
        pending.removeAll()
        whole.withUnsafeBufferPointer { emit($0, &sink) }
    }

    private func emit<S: RecordSink>(_ raw: UnsafeBufferPointer<UInt8>, _ sink: inout S) {
        var bytes = raw
        if bytes.last == 0x0D { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
        // A blank line is no record.
        guard !bytes.isEmpty else { return }
        sink.record(bytes, line: recordLine)
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
    /// record), each as its range there.
    static func quotedCells(of record: UnsafeBufferPointer<UInt8>, into text: inout [UInt8], ranges: inout [Range<Int>]) {
        text.removeAll(keepingCapacity: true)
        ranges.removeAll(keepingCapacity: true)
        var i = 0
        while true {
            let start = text.count
            if i < record.count, record[i] == 0x22 {
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
            } else {
                while i < record.count, record[i] != 0x2C {
                    text.append(record[i])
                    i += 1
                }
            }
            ranges.append(start..<text.count)
            guard i < record.count else { break }
            i += 1    // the comma
        }
    }
}
