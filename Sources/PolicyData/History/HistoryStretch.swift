import PolicyValues
import PolicyRuntime
import Glibc

/// The records of one stretch of a history file (whole records), checked: how many,
/// those of the run's own date, and those the program reads. Stretches of one file
/// are read side by side and added up in order.
struct HistoryStretch: RecordSink {
    let query: HistoryQuery
    /// Where the stretch's bytes start in the block they are cut from.
    let origin: Int
    /// The stretch starts the file, with its header.
    var expectsHeader: Bool
    /// Plain records are checked eight bytes at a time (off: every record the general
    /// way, which a test compares with).
    var quick = true

    var count = 0, replaced = 0
    /// How many records were read the quick way.
    var quickly = 0
    var records: [HistoryIndex.Record] = []
    /// The records of the run's own date, with their line ends, in the block.
    var dropped: [Range<Int>] = []
    /// Where in the block the header starts (what comes before it is blank lines).
    var headerStart: Int? = nil
    var failure: HistoryError? = nil

    /// The last `as_of` found to be a date: most records repeat the one before.
    private var knownDate: (UInt64, UInt16) = (0, 0)
    private var cells: [UnsafeBufferPointer<UInt8>] = []
    private var unquoted: [UInt8] = []
    private var ranges: [Range<Int>] = []

    init(query: HistoryQuery, origin: Int, expectsHeader: Bool) {
        self.query = query
        self.origin = origin
        self.expectsHeader = expectsHeader
    }

    @inline(__always)
    mutating func record(_ raw: UnsafeBufferPointer<UInt8>, start: Int, end: Int, line: Int, shape: LineShape?) -> Bool {
        if !expectsHeader, quick, let cells = shape.flatMap({ Self.cells(raw, $0) }), cells.hasFirstCells,
           let date = isDate(cells.asOf), !query.wants(rule: cells.rule, action: cells.action) {
            count += 1
            quickly += 1
            if date == query.todayWords {
                replaced += 1
                dropped.append(origin + start..<origin + end + 1)
            }
            return true
        }
        do throws(HistoryError) {
            try general(raw, start: start, end: end, line: line)
            return true
        } catch {
            failure = error
            return false
        }
    }

    /// The cells of a one-line record the quick way, when it can be read so.
    @inline(__always)
    private static func cells(_ raw: UnsafeBufferPointer<UInt8>, _ shape: LineShape) -> RecordCells? {
        let commas = ActionHistory.columns.count - 1
        return shape.quotes ? RecordCells(quoted: raw, shape: shape, commas: commas) : RecordCells(plain: raw, shape: shape, commas: commas)
    }

    /// The ten bytes of `text` as two words, when they are the date last found or a date.
    @inline(__always)
    private mutating func isDate(_ text: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt16)? {
        guard let date = HistoryQuery.words(text) else { return nil }
        if date == knownDate { return date }
        guard CivilDate(isoUTF8: text) != nil else { return nil }
        knownDate = date
        return date
    }

    /// Any record: its cells cut out (unquoted), checked, and kept when the program reads it.
    private mutating func general(_ raw: UnsafeBufferPointer<UInt8>, start: Int, end: Int, line: Int) throws(HistoryError) {
        // INVARIANT: the splitter hands over no empty record.
        let base = raw.baseAddress!
        if memchr(base, 0, raw.count) != nil {
            throw .malformed(DataError(file: query.path, line: line, column: 1, code: .malformedHistory,
                                       message: "the history is not text: it holds a NUL byte"))
        }
        if memchr(base, 0x22, raw.count) == nil {
            cells.removeAll(keepingCapacity: true)
            RecordSplitter.plainCells(of: raw, into: &cells)
            try take(raw, start: start, end: end, line: line)
            return
        }
        RecordSplitter.quotedCells(of: raw, into: &unquoted, ranges: &ranges)
        let text = unquoted
        try text.withUnsafeBufferPointer { (text) throws(HistoryError) in
            cells.removeAll(keepingCapacity: true)
            for range in ranges { cells.append(UnsafeBufferPointer(rebasing: text[range])) }
            try take(raw, start: start, end: end, line: line)
        }
    }

    private mutating func take(_ raw: UnsafeBufferPointer<UInt8>, start: Int, end: Int, line: Int) throws(HistoryError) {
        if expectsHeader {
            try ActionHistory.checkHeader(cells, line: line, path: query.path)
            expectsHeader = false
            headerStart = origin + start
            return
        }
        try ActionHistory.check(cells, line: line, raw: raw, path: query.path)
        count += 1
        if cells[ActionHistory.asOfColumn].elementsEqual(query.today) {
            replaced += 1
            dropped.append(origin + start..<origin + end + 1)
            return
        }
        guard query.wants(rule: cells[1], action: cells[2]) else { return }
        let cells = self.cells
        let text = { (cell: Int) in String(decoding: cells[cell], as: UTF8.self) }
        // INVARIANT: `check` read the as-of date.
        records.append((text(0), text(1), text(2), text(4), CivilDate(isoUTF8: cells[ActionHistory.asOfColumn])!, text(9)))
    }

    /// Adds `next`, the stretch that follows this one, read side by side with it.
    mutating func append(_ next: HistoryStretch) {
        count += next.count
        quickly += next.quickly
        replaced += next.replaced
        records += next.records
        dropped += next.dropped
    }
}
