import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime

/// Turns the rows of one piece of a customer file into a table, checking every cell
/// against its field. A row with a bad cell is rejected (every bad cell reported),
/// never dropped silently.
///
/// Rows are read a batch at a time and a column at a time. Every row with the right
/// cells becomes a row of `table`, bad ones too (with `none` where a cell was bad), so
/// that the columns stay in step; `badRows` lists those to leave out when the pieces
/// are joined. Duplicate keys are found across all pieces afterwards (``KeyIndex``),
/// from `keyHashes`.
struct TableBuilder: Sendable {
    let checks: FieldChecks
    var table: CustomerTable
    /// Rejects in file order, lines relative to the piece.
    var rejects: [Reject] = []
    /// Rows rejected here: those in `badRows`, and records that never became rows.
    var rejectedRows = 0
    /// Rows of `table` with a bad cell, ascending.
    var badRows: [Int] = []
    /// Per row of `table`: the hash of its key (meaningless for bad rows).
    var keyHashes: [Int] = []
    /// Per row of `table`: where it came from, to quote its key in a duplicate's reject.
    var origins: [Int] = []
    /// The hash of keys (a test forces collisions through it).
    let keyHash: @Sendable (Value) -> Int
    /// Orders: the customers they are looked up in. A text key written in ASCII is
    /// looked up by its bytes (`keyHash` would give the same row), without a `Value`.
    let lookup: CustomerLookup?
    /// A batch's bad cells: (row in batch, reject, the column read or nil), in slot order.
    private var problems: [(row: Int, reject: Reject, column: Int?)] = []
    /// Where the last place was found: places are found reading forward from it.
    private var cursor: TextCursor? = nil
    /// A batch's lines, handed to the table.
    private var batchLines: [Int] = []

    /// `expectedRows`: a guess of the row count, to reserve the columns once.
    init(checks: FieldChecks, keep: Set<Int>?, expectedRows: Int = 0,
         keyHash: @escaping @Sendable (Value) -> Int = { $0.hashValue }, lookup: CustomerLookup? = nil) {
        self.checks = checks
        self.keyHash = keyHash
        self.lookup = lookup
        table = CustomerTable(types: checks.fields.map(\.columnType), keep: keep)
        if expectedRows > 0 {
            table.reserveCapacity(expectedRows)
            keyHashes.reserveCapacity(expectedRows)
            origins.reserveCapacity(expectedRows)
        }
    }

    /// Adds a batch of rows.
    mutating func add<Batch: CellBatch>(_ batch: Batch) {
        guard batch.count > 0 else { return }
        let first = table.count
        keyHashes.append(contentsOf: repeatElement(0, count: batch.count))
        for slot in checks.fields.indices {
            var writer = table.takeColumn(slot)
            fill(slot, from: batch, first: first, into: &writer)
            table.putBack(writer)
        }
        batchLines.removeAll(keepingCapacity: true)
        for row in 0..<batch.count {
            batchLines.append(batch.line(row))
            origins.append(batch.origin(row))
        }
        table.appendLines(batchLines)
        if !problems.isEmpty { takeProblems(first: first, batch) }
    }

    /// Reads the cells of `slot` for every row of the batch into its column.
    private mutating func fill<Batch: CellBatch>(_ slot: Int, from batch: Batch, first: Int,
                                                 into writer: inout CustomerTable.ColumnWriter) {
        let isKey = slot == checks.keySlot
        guard let column = checks.columns[slot] else {
            for row in 0..<batch.count { store(empty(slot, row, batch), slot, row, isKey, first, &writer) }
            return
        }
        // The key is read in full: its hash (or customer) is kept per row.
        if writer.storesNothing, checks.emptyValues[slot] != nil, !isKey {
            // An empty cell is fine here and nothing is stored: only cells with text can be wrong.
            if checks.emptinessOnly[slot] { return }
            if let rows = batch.rowsHaving(column) { return checkPresent(slot, column, rows, batch) }
        }
        if checks.emptinessOnly[slot] {
            // INVARIANT: such a slot is not kept (nor the key), so nothing is stored.
            for row in 0..<batch.count where batch.cells(row).isEmpty(column) { _ = empty(slot, row, batch) }
            return
        }
        let kind = checks.kinds[slot]
        let patterns = checks.patterns
        let allowed = checks.checksAllowed[slot] ? checks.fields[slot].allowed : nil
        if isKey, let lookup, kind == .text, allowed == nil, writer.storesNothing {
            return fillCustomers(slot, column, batch, first: first, lookup, &writer)
        }
        if allowed == nil, !isKey {
            // The commonest columns, read straight into the column without a `Value` per cell.
            if writer.storesDecimals, CellReader.isNumber(kind) {
                return fillDirectly(slot, column, kind, batch, &writer, { CellReader.number($0, kind: kind) }, { $0.append(decimal: $1) })
            }
            if writer.storesDates, kind == .isoDate {
                return fillDirectly(slot, column, kind, batch, &writer, { CivilDate(isoDateTimeUTF8: $0) }, { $0.append(date: $1) })
            }
            if writer.storesDates, case .patternDate(let i) = kind {
                let pattern = patterns[i]
                return fillDirectly(slot, column, kind, batch, &writer, { pattern.parse($0) }, { $0.append(date: $1) })
            }
            if writer.storesText, kind == .text {
                return fillDirectly(slot, column, kind, batch, &writer, { String(decoding: $0, as: UTF8.self) }, { $0.append(text: $1) })
            }
            // A column checked but not kept: read each cell to check it, keep nothing.
            if writer.storesNothing, CellReader.isNumber(kind) {
                return fillDirectly(slot, column, kind, batch, &writer, { CellReader.number($0, kind: kind) }, { _, _ in })
            }
            if writer.storesNothing, kind == .isoDate {
                return fillDirectly(slot, column, kind, batch, &writer, { CivilDate(isoDateTimeUTF8: $0) }, { _, _ in })
            }
            if writer.storesNothing, case .patternDate(let i) = kind {
                let pattern = patterns[i]
                return fillDirectly(slot, column, kind, batch, &writer, { pattern.parse($0) }, { _, _ in })
            }
        }
        for row in 0..<batch.count {
            let cells = batch.cells(row)
            let value: Value
            switch cells.withCell(column, { CellReader.read($0, kind: kind, patterns: patterns) }) {
            case .value(let v):
                if let allowed, !allowed.contains(v) {
                    problem(row, batch, slot, .valueNotAllowed, "one of \(checks.allowedText(slot))")
                }
                value = v
            case .empty:
                value = empty(slot, row, batch)
            case .bad(let expected):
                problem(row, batch, slot, .badCell, expected)
                value = .none
            }
            store(value, slot, row, isKey, first, &writer)
        }
    }

    /// `fill` for the customer cells of orders, looked up by their bytes where they are
    /// ASCII: the batch's short keys are read first, then looked up one after another
    /// (so that their waits for memory overlap); the others go the general way.
    private mutating func fillCustomers<Batch: CellBatch>(_ slot: Int, _ column: Int, _ batch: Batch, first: Int,
                                                         _ lookup: CustomerLookup, _ writer: inout CustomerTable.ColumnWriter) {
        var keys = [CustomerLookup.Key?](repeating: nil, count: batch.count)
        for row in 0..<batch.count {
            keys[row] = batch.cells(row).withCell(column) { raw in CustomerLookup.Key(CellText.trimmed(raw)) }
        }
        for row in 0..<batch.count {
            if let key = keys[row] { keyHashes[first + row] = lookup.row(ofShortKey: key) }
        }
        for row in 0..<batch.count where keys[row] == nil {
            let cells = batch.cells(row)
            let found = cells.withCell(column) { raw -> Int? in
                let cell = CellText.trimmed(raw)
                return cell.isEmpty ? nil : lookup.row(ofText: cell)
            }
            if let found {
                keyHashes[first + row] = found
                continue
            }
            let value: Value
            switch cells.withCell(column, { CellReader.read($0, kind: .text, patterns: checks.patterns) }) {
            case .value(let v): value = v
            case .empty: value = empty(slot, row, batch)
            case .bad(let expected):
                problem(row, batch, slot, .badCell, expected)
                value = .none
            }
            store(value, slot, row, true, first, &writer)
        }
    }

    /// `fill` for a slot neither kept nor required, reading only the rows that have a cell.
    private mutating func checkPresent<Batch: CellBatch>(_ slot: Int, _ column: Int, _ rows: ArraySlice<Int>, _ batch: Batch) {
        let kind = checks.kinds[slot]
        let allowed = checks.checksAllowed[slot] ? checks.fields[slot].allowed : nil
        for row in rows {
            switch batch.cells(row).withCell(column, { CellReader.read($0, kind: kind, patterns: checks.patterns) }) {
            case .value(let v):
                if let allowed, !allowed.contains(v) {
                    problem(row, batch, slot, .valueNotAllowed, "one of \(checks.allowedText(slot))")
                }
            case .empty:
                break
            case .bad(let expected):
                problem(row, batch, slot, .badCell, expected)
            }
        }
    }

    /// `fill` reading each trimmed, non-empty cell with `read` (as `CellReader.read`
    /// would) and appending it with `append`; empty and bad cells go the general way.
    @inline(__always)
    private mutating func fillDirectly<Batch: CellBatch, T>(_ slot: Int, _ column: Int, _ kind: CellReader.Kind, _ batch: Batch,
                                                           _ writer: inout CustomerTable.ColumnWriter,
                                                           _ read: (UnsafeBufferPointer<UInt8>) -> T?,
                                                           _ append: (inout CustomerTable.ColumnWriter, T) -> Void) {
        for row in 0..<batch.count {
            let cells = batch.cells(row)
            let value = cells.withCell(column) { raw -> T? in
                let cell = CellText.trimmed(raw)
                return cell.isEmpty ? nil : read(cell)
            }
            if let value {
                append(&writer, value)
                continue
            }
            switch cells.withCell(column, { CellReader.read($0, kind: kind, patterns: checks.patterns) }) {
            case .value(let v):
                writer.append(v)
            case .empty:
                writer.append(empty(slot, row, batch))
            case .bad(let expected):
                problem(row, batch, slot, .badCell, expected)
                writer.appendNone()
            }
        }
    }

    @inline(__always)
    private mutating func store(_ value: Value, _ slot: Int, _ row: Int, _ isKey: Bool, _ first: Int,
                                _ writer: inout CustomerTable.ColumnWriter) {
        if isKey { keyHashes[first + row] = keyHash(value) }
        writer.append(value)
    }

    /// An empty cell: the default, `none` for an optional field, or a reject (and `none`).
    private mutating func empty<Batch: CellBatch>(_ slot: Int, _ row: Int, _ batch: Batch) -> Value {
        if let value = checks.emptyValues[slot] { return value }
        problem(row, batch, slot, .emptyRequiredCell, "a value")
        return .none
    }

    private mutating func problem<Batch: CellBatch>(_ row: Int, _ batch: Batch, _ slot: Int, _ code: DiagnosticCode, _ expected: String) {
        problems.append((row, checks.reject(batch.line(row), slot, batch.cells(row), code, expected), checks.columns[slot]))
    }

    /// Moves a batch's problems to `rejects` in row order (slot order within a row),
    /// as a row-by-row reading would report them, each placed at its cell.
    private mutating func takeProblems<Batch: CellBatch>(first: Int, _ batch: Batch) {
        let ordered = problems.enumerated().sorted { ($0.element.row, $0.offset) < ($1.element.row, $1.offset) }.map(\.element)
        var i = 0
        while i < ordered.count {
            let row = ordered[i].row
            var end = i
            while end < ordered.count && ordered[end].row == row { end += 1 }
            badRows.append(first + row)
            rejectedRows += 1
            // The cells' places, found in file order; a cell the row does not have is the row's start.
            let start = batch.start(row)
            let ranges = ordered[i..<end].map { problem in
                problem.column.flatMap { batch.cellRange(row, $0) } ?? start.offset..<(start.offset + 1)
            }
            moveCursor(to: start.offset, line: start.line, in: batch.bytes)
            var places = [DataPlace?](repeating: nil, count: ranges.count)
            for k in ranges.indices.sorted(by: { ranges[$0].lowerBound < ranges[$1].lowerBound }) {
                places[k] = place(ranges[k], in: batch.bytes)
            }
            for k in i..<end {
                var reject = ordered[k].reject
                reject.place = places[k - i]
                rejects.append(reject)
            }
            i = end
        }
        problems.removeAll(keepingCapacity: true)
    }

    /// Moves the cursor to `offset`, on line `line`, the start of a row or record.
    mutating func moveCursor(to offset: Int, line: Int, in p: UnsafeBufferPointer<UInt8>) {
        if cursor == nil {
            cursor = TextCursor(at: offset, line: line, in: p)
        } else {
            cursor!.move(to: offset, onLine: line, in: p)
        }
    }

    /// The place of `range`, read forward from the cursor (at the start of its row).
    mutating func place(_ range: Range<Int>, in p: UnsafeBufferPointer<UInt8>) -> DataPlace {
        var at = cursor ?? TextCursor(file: p)
        defer { cursor = at }
        return DataPlace.of(range, in: p, cursor: &at)
    }

    // INVARIANT: called between batches only, so rejects stay in file order.
    /// Rejects a whole record that never becomes a row (wrong number of cells, unreadable).
    mutating func rejectRow(line: Int, id: String, code: DiagnosticCode, expected: String, field: String = "", place: DataPlace?) {
        rejectRow(checks.rowReject(line: line, id: id, code: code, expected: expected, field: field, place: place))
    }

    // INVARIANT: called between batches only, so rejects stay in file order.
    /// Rejects a whole record that never becomes a row, as `reject` says.
    mutating func rejectRow(_ reject: Reject) {
        rejectedRows += 1
        rejects.append(reject)
    }
}
