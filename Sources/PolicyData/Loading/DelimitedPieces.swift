import PolicyRuntime

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
    }

    /// What every piece shares.
    struct Reading: Sendable {
        let bytes: [UInt8]
        let delimiter: CSVDelimiter
        /// The header's number of cells.
        let width: Int
        let checks: FieldChecks
        let keep: Set<Int>?
        let keyHash: @Sendable (Value) -> Int
        /// Rows per batch: the fields of a batch stay in cache while its columns are read.
        let batchRows = 1024

        /// Reads the records that start in `range`, the first line of the range being
        /// line `firstLine`.
        func read(_ range: Range<Int>, firstLine: Int = 0) -> Piece {
            bytes.withUnsafeBufferPointer { read(range, firstLine: firstLine, in: $0) }
        }

        // Plain locals and a pointer, no closure capturing them: captured variables are
        // boxed, and every access to a box is checked for exclusivity at run time.
        private func read(_ range: Range<Int>, firstLine: Int, in p: UnsafeBufferPointer<UInt8>) -> Piece {
            // Real exports run 60 to 200 bytes a row: guess generously, untouched capacity is free.
            var builder = TableBuilder(checks: checks, keep: keep, expectedRows: range.count / 48 + 16, keyHash: keyHash)
            var scanner = CSVScanner(position: range.lowerBound, line: firstLine, delimiter: delimiter)
            var pending = PendingRecords(width: width, rows: batchRows)
            while scanner.position < range.upperBound {
                let start = scanner.position, before = pending.fields.count
                var line = 0
                switch scanner.scanRecord(p, into: &pending.fields, recordLine: &line) {
                case .end:
                    break
                case .unterminatedQuote(let quoteLine, let offset):
                    pending.fields.removeSubrange(before...)
                    pending.flush(into: &builder, bytes: p)
                    let error = CSVReader.unterminated(p, line: quoteLine, offset: offset)
                    builder.rejectRow(line: error.line, id: "", code: .malformedFile,
                                      expected: "the file cannot be read from here on: \(error.message)")
                case .record:
                    let cells = pending.fields.count - before
                    if cells == width {
                        pending.lines.append(line)
                        pending.starts.append(start)
                        if pending.lines.count == batchRows { pending.flush(into: &builder, bytes: p) }
                        continue
                    }
                    let id = pending.fields[before...].withUnsafeBufferPointer { record in
                        checks.keyColumn.flatMap { $0 < cells ? CSVCells(bytes: p, fields: record).raw($0) : nil }
                    }
                    pending.fields.removeSubrange(before...)
                    pending.flush(into: &builder, bytes: p)
                    builder.rejectRow(line: line, id: id ?? "", code: .fieldCount,
                                      expected: "the row has \(cells) cells, but the header has \(width)")
                    continue
                }
                break
            }
            pending.flush(into: &builder, bytes: p)
            return Piece(start: range.lowerBound, end: scanner.position, lineCount: scanner.line - firstLine, builder: builder)
        }

        /// The text of the key cell of the record whose reading started at `origin`.
        func rawKey(at origin: Int) -> String {
            guard let column = checks.keyColumn else { return "" }
            var scanner = CSVScanner(position: origin, line: 0, delimiter: delimiter)
            var fields: [CSVField] = []
            var line = 0
            return bytes.withUnsafeBufferPointer { p in
                _ = scanner.scanRecord(p, into: &fields, recordLine: &line)
                return fields.withUnsafeBufferPointer { column < $0.count ? CSVCells(bytes: p, fields: $0).raw(column) : "" }
            }
        }
    }

    /// Records read but not yet handed to the table builder, their fields end to end.
    struct PendingRecords {
        let width: Int
        var fields: [CSVField] = []
        var lines: [Int] = []
        var starts: [Int] = []

        init(width: Int, rows: Int) {
            self.width = width
            fields.reserveCapacity(rows * width + 64)
            lines.reserveCapacity(rows)
            starts.reserveCapacity(rows)
        }

        mutating func flush(into builder: inout TableBuilder, bytes: UnsafeBufferPointer<UInt8>) {
            fields.withUnsafeBufferPointer { f in
                lines.withUnsafeBufferPointer { l in
                    starts.withUnsafeBufferPointer { s in
                        builder.add(CSVBatch(bytes: bytes, fields: f, width: width, lines: l, starts: s))
                    }
                }
            }
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
