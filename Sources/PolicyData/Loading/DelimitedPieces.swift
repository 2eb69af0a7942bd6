import PolicyValues
import PolicyRuntime
import PolicyFiles

/// Reading the records of a CSV/TSV file in pieces, each on its own thread, with the
/// exact result of one reading from start to end.
///
/// The data after the header is cut into pieces just after a line feed. A piece is
/// read from its start until the record that crosses its end is finished, so every
/// record belongs to the piece it starts in. A cut can fall inside a quoted field
/// (quoted cells may hold line ends); then the piece before it reads on past the
/// cut, and the next piece, which started mid-field, is worthless. So piece k+1
/// counts only if it starts exactly where piece k's last record ended; otherwise it
/// is read again from there. Lines are counted from 0 in each piece and rebased once
/// every piece has its place.
enum DelimitedPieces {
    /// Where pieces are cut: about `size` bytes each, the cuts just after a line feed;
    /// at least one piece.
    static func cuts(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, size: Int) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var from = start
        while from < bytes.count {
            var cut = from + max(1, size)
            if cut >= bytes.count {
                cut = bytes.count
            } else {
                while cut < bytes.count && bytes[cut - 1] != ReaderByte.lineFeed { cut += 1 }
            }
            pieces.append(from..<cut)
            from = cut
        }
        // No data at all is one empty piece.
        return pieces.isEmpty ? [start..<start] : pieces
    }

    /// One piece, read.
    struct Piece: Sendable {
        /// Where reading started, and where it stopped: after the last record (the
        /// end of the file after a quote that never closes).
        var start: Int, end: Int
        /// The lines read, from the first line of the piece to `end`.
        var lineCount: Int
        var builder: TableBuilder
        /// What the bytes from `start` to `end` hold, for the verdict on the encoding,
        /// and the first place that is not text.
        var text: TextCounts
        var firstFlaw: Int?
    }

    /// What every piece shares.
    struct Reading: Sendable {
        let bytes: FileBytes
        let delimiter: CSVDelimiter
        /// The header's number of cells.
        let width: Int
        let checks: FieldChecks
        let keep: Set<Int>?
        let keyHash: @Sendable (Value) -> Int
        /// Orders: the customers they are looked up in (see `TableBuilder.lookup`).
        var lookup: CustomerLookup? = nil
        /// Per column: the name of the field that reads it, or its header, for rejects.
        let columnNames: [String]
        /// Rows per batch: the fields of a batch stay in cache while its columns are read.
        let batchRows = 1024

        /// Reads the records that start in `range`, the first line of the range being
        /// line `firstLine`.
        /// A mapped file's pages go once the piece is read (read again, they come back).
        func read(_ range: Range<Int>, firstLine: Int = 0) -> Piece {
            bytes.prefetch(range)
            let piece = bytes.withUnsafeBufferPointer { read(range, firstLine: firstLine, in: $0) }
            bytes.release(piece.start..<piece.end)
            return piece
        }

        // Plain locals and a pointer, no closure capturing them: captured variables are
        // boxed, and every access to a box is checked for exclusivity at run time.
        private func read(_ range: Range<Int>, firstLine: Int, in p: UnsafeBufferPointer<UInt8>) -> Piece {
            // Real exports run 60 to 200 bytes a row: guess generously, untouched capacity is free.
            var builder = TableBuilder(checks: checks, keep: keep, expectedRows: range.count / 48 + 16, keyHash: keyHash,
                                       lookup: lookup)
            var scanner = CSVScanner(position: range.lowerBound, line: firstLine, delimiter: delimiter)
            var pending = PendingRecords(width: width, rows: batchRows)
            var text = TextState(scanned: range.lowerBound)
            while scanner.position < range.upperBound {
                let start = scanner.position, before = pending.fields.count
                var line = 0
                switch scanner.scanRecord(p, into: &pending.fields, recordLine: &line) {
                case .end:
                    break
                case .unterminatedQuote(let quoteLine, let offset):
                    pending.fields.removeSubrange(before...)
                    flush(&pending, into: &builder, p, &text)
                    let error = CSVReader.unterminated(p, line: quoteLine, offset: offset)
                    let place = TextCursor(at: offset, line: quoteLine, in: p).place(to: offset + 1, in: p)
                    builder.rejectRow(line: error.line, id: "", code: .malformedFile,
                                      expected: "the file cannot be read from here on: \(error.message)", place: place)
                case .record:
                    let cells = pending.fields.count - before
                    if cells == width {
                        pending.lines.append(line)
                        pending.starts.append(start)
                        pending.end = scanner.position
                        if pending.lines.count == batchRows { flush(&pending, into: &builder, p, &text) }
                        continue
                    }
                    let id = pending.fields[before...].withUnsafeBufferPointer { record in
                        checks.keyColumn.flatMap { $0 < cells ? CSVCells(bytes: p, fields: record).raw($0) : nil }
                    }
                    // The whole row is at fault: its place is the row, from its first byte.
                    let end = pending.fields.last.map { CSVBatch.range(of: $0).upperBound } ?? scanner.position
                    let place = TextCursor(lineStart: CSVBatch.recordStart(from: start, in: p), line: line).place(to: end, in: p)
                    pending.fields.removeSubrange(before...)
                    flush(&pending, into: &builder, p, &text)
                    builder.rejectRow(line: line, id: id ?? "", code: .fieldCount,
                                      expected: "the row has \(cells) cells, but the header has \(width)", place: place)
                    continue
                }
                break
            }
            flush(&pending, into: &builder, p, &text)
            // The rest (a row of the wrong width, blank lines, what follows a quote that never closes) counts too.
            _ = text.scan(p, to: scanner.position)
            return Piece(start: range.lowerBound, end: scanner.position, lineCount: scanner.line - firstLine, builder: builder,
                         text: text.counts, firstFlaw: text.firstFlaw)
        }

        /// Hands the pending records to the builder, after a scan of their bytes for
        /// text that is not UTF-8 or holds a NUL: a record with such a byte is
        /// rejected, and the others go in runs around it.
        private func flush(_ pending: inout PendingRecords, into builder: inout TableBuilder,
                           _ p: UnsafeBufferPointer<UInt8>, _ text: inout TextState) {
            let flaws = text.scan(p, to: pending.end)
            guard !flaws.isEmpty, !pending.lines.isEmpty else { return pending.flush(into: &builder, bytes: p) }
            var from = 0
            var record = 0
            for offset in flaws {
                // The record holding the flaw: the last one starting at or before it.
                while record + 1 < pending.starts.count && pending.starts[record + 1] <= offset { record += 1 }
                guard record >= from, pending.starts[record] <= offset, offset < pending.end else { continue }
                pending.flush(rows: from..<record, into: &builder, bytes: p)
                builder.rejectRow(textReject(pending, record, flaw: TextFlaw.at(offset, in: p), p))
                from = record + 1
            }
            pending.flush(rows: from..<pending.lines.count, into: &builder, bytes: p)
            pending.removeAll()
        }

        /// The reject of pending record `record` for the flaw in one of its cells.
        private func textReject(_ pending: PendingRecords, _ record: Int, flaw: TextFlaw, _ p: UnsafeBufferPointer<UInt8>) -> Reject {
            pending.fields.withUnsafeBufferPointer { all in
                let fields = UnsafeBufferPointer(rebasing: all[(record * width)..<(record * width + width)])
                let cells = CSVCells(bytes: p, fields: fields)
                let column = fields.firstIndex { $0.start <= flaw.offset && flaw.offset < $0.end }
                let id = checks.keyColumn.map { cells.raw($0) } ?? ""
                let start = CSVBatch.recordStart(from: pending.starts[record], in: p)
                var cursor = TextCursor(lineStart: start, line: pending.lines[record])
                let place = DataPlace.of(column.map { CSVBatch.range(of: fields[$0]) } ?? flaw.offset..<(flaw.offset + 1), in: p, cursor: &cursor)
                return Reject(file: checks.file, line: pending.lines[record], column: column.map { $0 + 1 } ?? 0, customerID: id,
                              field: column.map { columnNames[$0] } ?? "", value: column.map { cells.raw($0) } ?? "",
                              expected: flaw.detail, code: flaw.isNul ? .nulByte : .invalidText, place: place)
            }
        }

        /// The text and place of the key cell of the record whose reading started at
        /// `origin`, the record being on line `line` of the file.
        func keyCell(at origin: Int, line: Int) -> (text: String, place: DataPlace?) {
            guard let column = checks.keyColumn else { return ("", nil) }
            var scanner = CSVScanner(position: origin, line: 0, delimiter: delimiter)
            var fields: [CSVField] = []
            var recordLine = 0
            return bytes.withUnsafeBufferPointer { p in
                _ = scanner.scanRecord(p, into: &fields, recordLine: &recordLine)
                guard column < fields.count else { return ("", nil) }
                let text = fields.withUnsafeBufferPointer { CSVCells(bytes: p, fields: $0).raw(column) }
                var cursor = TextCursor(lineStart: CSVBatch.recordStart(from: origin, in: p), line: line)
                return (text, DataPlace.of(CSVBatch.range(of: fields[column]), in: p, cursor: &cursor))
            }
        }
    }

    /// How far a piece's bytes were scanned for text that is not UTF-8, and what was found.
    struct TextState {
        var scanned: Int
        var counts = TextCounts()
        var firstFlaw: Int? = nil

        /// Scans from where the last scan stopped to `end`: the flaws found, ascending.
        mutating func scan(_ p: UnsafeBufferPointer<UInt8>, to end: Int) -> [Int] {
            guard end > scanned else { return [] }
            var flaws: [Int] = []
            TextScan.scan(p, scanned..<end, counts: &counts, flaws: &flaws)
            scanned = end
            if firstFlaw == nil { firstFlaw = flaws.first }
            return flaws
        }
    }

    /// Records read but not yet handed to the table builder, their fields end to end.
    struct PendingRecords {
        let width: Int
        var fields: [CSVField] = []
        var lines: [Int] = []
        var starts: [Int] = []
        /// Where the last record ends.
        var end = 0

        init(width: Int, rows: Int) {
            self.width = width
            fields.reserveCapacity(rows * width + 64)
            lines.reserveCapacity(rows)
            starts.reserveCapacity(rows)
        }

        mutating func flush(into builder: inout TableBuilder, bytes: UnsafeBufferPointer<UInt8>) {
            flush(rows: 0..<lines.count, into: &builder, bytes: bytes)
            removeAll()
        }

        /// Hands `rows` of the pending records to the builder, keeping them all.
        func flush(rows: Range<Int>, into builder: inout TableBuilder, bytes: UnsafeBufferPointer<UInt8>) {
            guard !rows.isEmpty else { return }
            fields.withUnsafeBufferPointer { f in
                lines.withUnsafeBufferPointer { l in
                    starts.withUnsafeBufferPointer { s in
                        builder.add(CSVBatch(bytes: bytes, fields: UnsafeBufferPointer(rebasing: f[(rows.lowerBound * width)..<(rows.upperBound * width)]),
                                             width: width, lines: UnsafeBufferPointer(rebasing: l[rows]),
                                             starts: UnsafeBufferPointer(rebasing: s[rows])))
                    }
                }
            }
        }

        mutating func removeAll() {
            fields.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
        }
    }

    /// Reads every piece of `cuts`, on up to `workers` threads, and reads again, in
    /// order, each piece whose start turns out not to be where the previous one ended.
    static func read(_ cuts: [Range<Int>], _ reading: Reading, firstLine: Int, workers: Int) -> [Piece] {
        var pieces = parallelMap(cuts.count, workers: workers) { i in
            reading.read(cuts[i], firstLine: i == 0 ? firstLine : 0)
        }
        for k in pieces.indices.dropFirst() {
            let end = pieces[k - 1].end
            if pieces[k].start != end {
                pieces[k] = reading.read(end..<max(end, cuts[k].upperBound))
            }
        }
        return pieces
    }
}
