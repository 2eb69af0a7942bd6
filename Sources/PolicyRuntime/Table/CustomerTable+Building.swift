import PolicyValues

// Building a table a column at a time, and joining tables built in pieces.
//
// A loader that reads a file in pieces on several threads builds one table per
// piece, a column at a time (appending through `append(_:line:)` would box every
// cell in a `Value` array and check the nested columns' uniqueness on every value),
// then joins the pieces in file order.

extension CustomerTable {
    /// One column taken out of a table, to append a run of rows to it in a tight loop;
    /// put it back with ``CustomerTable/putBack(_:)``. The writer of a slot that is not
    /// kept accepts values and drops them.
    public struct ColumnWriter: Sendable {
        let slot: Int
        let storage: Storage
        var mantissas: [Int64] = []
        var scales: [Int8] = []
        var wide: [Int: ExactDecimal] = [:]
        var days: [Int32] = []
        var bools: [UInt8] = []
        var texts: [String?] = []
        var others: [Value] = []

        /// How the column stores its values.
        public var storesDecimals: Bool { storage == .decimal }
        public var storesDates: Bool { storage == .date }
        public var storesText: Bool { storage == .text }
        /// The slot is checked while loading but not kept.
        public var storesNothing: Bool { storage == .skipped }

        // INVARIANT: `value` is `.none` or of the field's type (the loader read it as that type).
        /// Appends the next row's value: `.none` for an empty optional cell, and as the
        /// placeholder of a row that will be dropped.
        public mutating func append(_ value: Value) {
            switch (storage, value) {
            case (.decimal, .number(let n)): append(decimal: n)
            case (.date, .date(let d)): append(date: d)
            case (.bool, .bool(let b)): bools.append(b ? 1 : 0)
            case (.text, .text(let t)): append(text: t)
            case (.other, _): others.append(value)
            default: appendNone()
            }
        }

        /// Appends a number to a decimal column.
        @inline(__always)
        public mutating func append(decimal n: ExactDecimal) {
            if let (m, s) = n.smallParts, s <= Int32(Int8.max) {
                mantissas.append(m); scales.append(Int8(s))
            } else {
                wide[scales.count] = n
                mantissas.append(0); scales.append(CustomerTable.wideScale)
            }
        }

        /// Appends a date to a date column.
        @inline(__always)
        public mutating func append(date d: CivilDate) {
            days.append(d.daysSinceEpoch)
        }

        /// Appends text to a text column.
        @inline(__always)
        public mutating func append(text t: String) {
            texts.append(t)
        }

        /// Appends `none`.
        public mutating func appendNone() {
            switch storage {
            case .decimal: mantissas.append(0); scales.append(CustomerTable.noneScale)
            case .date: days.append(Int32.min)
            case .bool: bools.append(2)
            case .text: texts.append(nil)
            case .other: others.append(.none)
            case .skipped: break
            }
        }
    }

    /// Takes the column of `slot` out of the table (leaving it empty) to append to it.
    public mutating func takeColumn(_ slot: Int) -> ColumnWriter {
        var writer = ColumnWriter(slot: slot, storage: layout[slot].storage)
        exchange(&writer)
        return writer
    }

    // INVARIANT: after every column of a run of rows is put back, each kept column has
    // one value per row the caller then adds with `appendLines`.
    /// Puts back a column taken with ``takeColumn(_:)``.
    public mutating func putBack(_ writer: consuming ColumnWriter) {
        exchange(&writer)
    }

    /// Swaps the writer's arrays with its slot's column (no copy either way).
    private mutating func exchange(_ writer: inout ColumnWriter) {
        let i = layout[writer.slot].index
        switch writer.storage {
        case .decimal:
            swap(&writer.mantissas, &mantissas[i]); swap(&writer.scales, &scales[i]); swap(&writer.wide, &wide[i])
        case .date: swap(&writer.days, &days[i])
        case .bool: swap(&writer.bools, &bools[i])
        case .text: swap(&writer.texts, &texts[i])
        case .other: swap(&writer.others, &others[i])
        case .skipped: break
        }
    }

    /// Ends a run of rows whose columns were appended with writers: one source line per row.
    public mutating func appendLines(_ newLines: [Int]) {
        // A concrete array: a generic collection is not specialized across modules.
        for line in newLines { lines.append(Int32(clamping: line)) }
    }

    /// Reserves room for `rows` rows in every kept column. Pages that are never
    /// written are never touched, so a generous guess costs address space, not memory.
    public mutating func reserveCapacity(_ rows: Int) {
        for i in mantissas.indices { mantissas[i].reserveCapacity(rows); scales[i].reserveCapacity(rows) }
        for i in days.indices { days[i].reserveCapacity(rows) }
        for i in bools.indices { bools[i].reserveCapacity(rows) }
        for i in texts.indices { texts[i].reserveCapacity(rows) }
        for i in others.indices { others[i].reserveCapacity(rows) }
        lines.reserveCapacity(rows)
    }

    /// Joins tables of the same fields into one, in order, leaving out the rows listed
    /// in `dropping[k]` (sorted row numbers of part k) and adding `lineOffsets[k]` to
    /// the lines of part k. Each column of a part is released as soon as it is copied,
    /// so the peak is the joined table plus one column, not two tables.
    /// Numeric columns are copied on up to `workers` threads, `workers` columns at a time.
    public static func joining(_ parts: inout [CustomerTable], dropping: [[Int]], lineOffsets: [Int],
                               workers: Int = 1) -> CustomerTable {
        // INVARIANT: every part was made by the same `init(types:keep:)` call's arguments.
        if parts.count == 1, dropping[0].isEmpty, lineOffsets[0] == 0 {
            return parts.removeFirst()
        }
        let kept = parts.indices.map { keptRanges(count: parts[$0].count, dropping: dropping[$0]) }
        let total = kept.reduce(0) { sum, ranges in ranges.reduce(sum) { $0 + $1.count } }
        var joined = parts[0].emptied()
        joined.mantissas = join(&parts, \.mantissas, kept, total, workers)
        joined.scales = join(&parts, \.scales, kept, total, workers)
        joined.days = join(&parts, \.days, kept, total, workers)
        joined.bools = join(&parts, \.bools, kept, total, workers)
        joined.texts = joinMoving(&parts, \.texts, kept, total, workers)
        joined.others = join(&parts, \.others, kept, total, workers)
        joined.wide = joinWide(&parts, dropping, kept)
        var lines: [Int32] = []
        lines.reserveCapacity(total)
        for k in parts.indices {
            let offset = Int32(clamping: lineOffsets[k])
            for range in kept[k] {
                for line in parts[k].lines[range] { lines.append(line &+ offset) }
            }
            parts[k].lines = []
        }
        joined.lines = lines
        return joined
    }

    /// Moves the rows of `parts` into one table, each to its own place: row `r` of part
    /// `k` becomes row `positions[k][r]` of the result (-1: it is left out), with
    /// `lineOffsets[k]` added to its line. Each part is read in order and written where
    /// its rows go, parts side by side on up to `workers` threads; a column of the
    /// parts is released as soon as it is moved, so at most a column is held twice.
    // INVARIANT: the positions that are not -1 are 0 ..< count, each once; every part
    // was made by the same `init(types:keep:)` call's arguments.
    public static func scattering(_ parts: inout [CustomerTable], positions: [[Int32]], count: Int, lineOffsets: [Int],
                                  workers: Int = 1) -> CustomerTable {
        var result = parts[0].emptied()
        func scatterAll<T: Sendable>(_ columns: WritableKeyPath<CustomerTable, [[T]]>) {
            for i in parts[0][keyPath: columns].indices {
                let sources = parts.indices.map { k in
                    var column: [T] = []
                    swap(&column, &parts[k][keyPath: columns][i])
                    return column
                }
                result[keyPath: columns][i] = scattered(sources, positions, count: count, workers: workers)
            }
        }
        scatterAll(\.mantissas)
        scatterAll(\.scales)
        scatterAll(\.days)
        scatterAll(\.bools)
        // Text moves, as in a join: a string is not retained into the result and released out of the part.
        for i in parts[0].texts.indices {
            // Each part's column in an object of its own: one thread moves out of it.
            let sources = parts.indices.map { k in
                var column: [String?] = []
                swap(&column, &parts[k].texts[i])
                return PartColumns<String>([column])
            }
            result.texts[i] = [String?](unsafeUninitializedCapacity: count) { buffer, initialized in
                let target = UnsafeSendable(buffer.baseAddress)
                _ = parallelMap(parts.count, workers: count < 1 << 16 ? 1 : workers) { k in
                    sources[k].parts[0].withUnsafeMutableBufferPointer { source in
                        positions[k].withUnsafeBufferPointer { places in
                            for r in 0..<min(source.count, places.count) where places[r] >= 0 {
                                (target.pointer! + Int(places[r])).moveInitialize(from: source.baseAddress! + r, count: 1)
                                (source.baseAddress! + r).initialize(to: nil)
                            }
                        }
                    }
                    sources[k].parts = []
                }
                initialized = count
            }
        }
        scatterAll(\.others)
        result.wide = (0..<parts[0].wide.count).map { i in
            var moved: [Int: ExactDecimal] = [:]
            for k in parts.indices {
                for (row, n) in parts[k].wide[i] where positions[k][row] >= 0 { moved[Int(positions[k][row])] = n }
                parts[k].wide[i] = [:]
            }
            return moved
        }
        let lines = parts.indices.map { k in
            let offset = Int32(clamping: lineOffsets[k])
            defer { parts[k].lines = [] }
            return parts[k].lines.map { $0 &+ offset }
        }
        result.lines = scattered(lines, positions, count: count, workers: workers)
        return result
    }

    /// `sources[k][r]` at `positions[k][r]` of an array of `count`, the parts split among the threads.
    private static func scattered<T: Sendable>(_ sources: [[T]], _ positions: [[Int32]], count: Int, workers: Int) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UnsafeSendable(buffer.baseAddress)
            _ = parallelMap(sources.count, workers: count < 1 << 16 ? 1 : workers) { k in
                sources[k].withUnsafeBufferPointer { source in
                    positions[k].withUnsafeBufferPointer { places in
                        for r in 0..<min(source.count, places.count) where places[r] >= 0 {
                            (target.pointer! + Int(places[r])).initialize(to: source[r])
                        }
                    }
                }
            }
            initialized = count
        }
    }

    /// The same table with no rows.
    private func emptied() -> CustomerTable {
        var table = self
        table.mantissas = mantissas.map { _ in [] }
        table.scales = scales.map { _ in [] }
        table.wide = wide.map { _ in [:] }
        table.days = days.map { _ in [] }
        table.bools = bools.map { _ in [] }
        table.texts = texts.map { _ in [] }
        table.others = others.map { _ in [] }
        table.lines = []
        return table
    }

    /// The runs of rows `0..<count` not in `dropping` (sorted).
    private static func keptRanges(count: Int, dropping: [Int]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for row in dropping {
            if row > start { ranges.append(start..<row) }
            start = row + 1
        }
        if count > start { ranges.append(start..<count) }
        return ranges
    }

    /// Joins every column of one kind, releasing each part's columns once copied.
    private static func join<T: Sendable>(_ parts: inout [CustomerTable], _ columns: WritableKeyPath<CustomerTable, [[T]]>,
                                          _ kept: [[Range<Int>]], _ total: Int, _ workers: Int) -> [[T]] {
        let count = parts[0][keyPath: columns].count
        var joined: [[T]] = []
        var first = 0
        while first < count {
            let group = first..<min(count, first + max(1, workers))
            // The group's columns of every part (shared, not copied); they go when the group is done.
            let sources = parts.map { part in group.map { part[keyPath: columns][$0] } }
            joined += parallelMap(group.count, workers: workers) { j in
                var column: [T] = []
                column.reserveCapacity(total)
                for k in sources.indices {
                    for range in kept[k] { column.append(contentsOf: sources[k][j][range]) }
                }
                return column
            }
            for k in parts.indices {
                for i in group { parts[k][keyPath: columns][i] = [] }
            }
            first = group.upperBound
        }
        return joined
    }

    /// Joins every column of optional values by moving the values, not copying them:
    /// a string is not retained into the joined column and released out of the part's
    /// (two atomic operations per customer). Columns go on up to `workers` threads,
    /// each with the parts' arrays of its own column; a part's column is left holding
    /// `nil`s and released.
    private static func joinMoving<T: Sendable>(_ parts: inout [CustomerTable], _ columns: WritableKeyPath<CustomerTable, [[T?]]>,
                                      _ kept: [[Range<Int>]], _ total: Int, _ workers: Int) -> [[T?]] {
        // Each column's arrays, taken out of the parts (no copy), so a thread owns them.
        let sources = (0..<parts[0][keyPath: columns].count).map { i in
            PartColumns<T>(parts.indices.map { k in
                var column: [T?] = []
                swap(&column, &parts[k][keyPath: columns][i])
                return column
            })
        }
        return parallelMap(sources.count, workers: workers) { i in
            let source = sources[i]
            return [T?](unsafeUninitializedCapacity: total) { joined, count in
                count = 0
                for k in source.parts.indices {
                    source.parts[k].withUnsafeMutableBufferPointer { part in
                        for range in kept[k] where !range.isEmpty {
                            (joined.baseAddress! + count).moveInitialize(from: part.baseAddress! + range.lowerBound, count: range.count)
                            (part.baseAddress! + range.lowerBound).initialize(repeating: nil, count: range.count)
                            count += range.count
                        }
                    }
                    source.parts[k] = []
                }
            }
        }
    }

    /// Joins the side tables of wide decimals (rare values), renumbering their rows.
    private static func joinWide(_ parts: inout [CustomerTable], _ dropping: [[Int]], _ kept: [[Range<Int>]]) -> [[Int: ExactDecimal]] {
        (0..<parts[0].wide.count).map { i in
            var joined: [Int: ExactDecimal] = [:]
            var base = 0
            for k in parts.indices {
                for (row, n) in parts[k].wide[i] {
                    // The number of dropped rows before `row` says where it lands.
                    var low = 0, high = dropping[k].count
                    while low < high {
                        let mid = (low + high) / 2
                        if dropping[k][mid] < row { low = mid + 1 } else { high = mid }
                    }
                    if low < dropping[k].count && dropping[k][low] == row { continue }
                    joined[base + row - low] = n
                }
                parts[k].wide[i] = [:]
                base += kept[k].reduce(0) { $0 + $1.count }
            }
            return joined
        }
    }
}

/// One column's arrays from every part of a join, owned by the one thread joining it.
private final class PartColumns<T>: @unchecked Sendable {
    // INVARIANT: touched by one thread at a time: built before the threads start,
    // then only by the thread joining this column.
    var parts: [[T?]]

    init(_ parts: [[T?]]) {
        self.parts = parts
    }
}
