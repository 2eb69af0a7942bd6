/// The loaded customers in input order, one typed column per field slot.
///
/// Numbers are kept as `Int64` mantissas with a scale (a value too large for that
/// lives in a side table), dates as day counts, booleans as bytes, text as strings;
/// `none` is marked in the column itself. A field the policy never reads can be
/// checked while loading and then not kept at all. Evaluation only calls
/// `value(slot, row)`, so the storage can change without touching the evaluator.
public struct CustomerTable: Sendable {
    enum Column: Sendable {
        // INVARIANT: scale `noneScale` marks none; `wideScale` marks a value in `wide`.
        case decimals(mantissas: [Int64], scales: [Int8], wide: [Int: ExactDecimal])
        // INVARIANT: `Int32.min` marks none.
        case dates([Int32])
        // INVARIANT: 0 false, 1 true, 2 none.
        case bools([UInt8])
        case texts([String?])
        /// Anything else (durations), as values.
        case values([Value])
        /// A field checked while loading but not kept: the policy never reads it.
        case skipped
    }

    static let noneScale: Int8 = -1
    static let wideScale: Int8 = -2

    var columns: [Column]
    /// The source line each row came from, for messages.
    public private(set) var lines: [Int32]

    /// An empty table for fields of these types. `keep` names the slots to store
    /// (nil: all); the others are `skipped` and must never be read.
    public init(types: [ColumnType], keep: Set<Int>? = nil, capacity: Int = 0) {
        columns = types.enumerated().map { slot, type in
            if let keep, !keep.contains(slot) { return .skipped }
            switch type {
            case .decimal:
                var m = [Int64](), s = [Int8]()
                m.reserveCapacity(capacity); s.reserveCapacity(capacity)
                return .decimals(mantissas: m, scales: s, wide: [:])
            case .date:
                var d = [Int32](); d.reserveCapacity(capacity)
                return .dates(d)
            case .bool:
                var b = [UInt8](); b.reserveCapacity(capacity)
                return .bools(b)
            case .text:
                var t = [String?](); t.reserveCapacity(capacity)
                return .texts(t)
            case .other:
                return .values([])
            }
        }
        lines = []
        lines.reserveCapacity(capacity)
    }

    /// A table keeping every field, each stored as `Value` needs (tests, explain).
    public init(fieldCount: Int) {
        self.init(types: Array(repeating: .other, count: fieldCount))
    }

    /// How a field's values are stored.
    public enum ColumnType: Sendable {
        case decimal, date, bool, text, other
    }

    public var count: Int { lines.count }

    /// The value of a field for a customer.
    public func value(_ slot: Int, _ row: Int) -> Value {
        switch columns[slot] {
        case .decimals(let mantissas, let scales, let wide):
            let scale = scales[row]
            if scale >= 0 { return .number(ExactDecimal(smallMantissa: mantissas[row], scale: Int32(scale))) }
            return scale == Self.noneScale ? .none : .number(wide[row] ?? .zero)
        case .dates(let days):
            let d = days[row]
            return d == Int32.min ? .none : .date(CivilDate(daysSinceEpoch: d))
        case .bools(let bytes):
            let b = bytes[row]
            return b == 2 ? .none : .bool(b == 1)
        case .texts(let texts):
            return texts[row].map { .text($0) } ?? .none
        case .values(let values):
            return values[row]
        case .skipped:
            // INVARIANT: the program reads only kept slots (see `Program.usedFields`).
            return .none
        }
    }

    /// Appends one customer; `values` holds one value per field slot.
    public mutating func append(_ values: [Value], line: Int) {
        // INVARIANT: callers pass exactly one value per field, of the field's type.
        let row = lines.count
        for slot in columns.indices {
            let value = values[slot]
            switch columns[slot] {
            case .decimals(var mantissas, var scales, var wide):
                columns[slot] = .skipped  // release the arrays so they are appended in place
                if case .number(let n) = value {
                    if let (m, s) = n.smallParts, s <= Int32(Int8.max) {
                        mantissas.append(m); scales.append(Int8(s))
                    } else {
                        mantissas.append(0); scales.append(Self.wideScale); wide[row] = n
                    }
                } else {
                    mantissas.append(0); scales.append(Self.noneScale)
                }
                columns[slot] = .decimals(mantissas: mantissas, scales: scales, wide: wide)
            case .dates(var days):
                columns[slot] = .skipped
                if case .date(let d) = value { days.append(d.daysSinceEpoch) } else { days.append(Int32.min) }
                columns[slot] = .dates(days)
            case .bools(var bytes):
                columns[slot] = .skipped
                if case .bool(let b) = value { bytes.append(b ? 1 : 0) } else { bytes.append(2) }
                columns[slot] = .bools(bytes)
            case .texts(var texts):
                columns[slot] = .skipped
                if case .text(let t) = value { texts.append(t) } else { texts.append(nil) }
                columns[slot] = .texts(texts)
            case .values(var all):
                columns[slot] = .skipped
                all.append(value)
                columns[slot] = .values(all)
            case .skipped:
                break
            }
        }
        lines.append(Int32(clamping: line))
    }
}
