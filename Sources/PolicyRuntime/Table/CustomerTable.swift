import PolicyValues

/// The loaded customers in input order, one typed column per field slot.
///
/// Numbers are kept as `Int64` mantissas with a scale (a value too large for that
/// lives in a side table), dates as day counts, booleans as bytes, text as strings;
/// `none` is marked in the column itself. A field the policy never reads can be
/// checked while loading and then not kept at all. Evaluation only calls
/// `value(slot, row)`, so the storage can change without touching the evaluator.
public struct CustomerTable: Sendable {
    /// How a field's values are stored.
    public enum ColumnType: Sendable {
        case decimal, date, bool, text, other
    }

    enum Storage: Sendable {
        case decimal, date, bool, text, other, skipped
    }

    /// Where a field slot's values are: how they are stored, and the index among the
    /// columns of that kind.
    struct Column: Sendable, Equatable {
        var storage: Storage
        var index: Int
    }

    // Columns live in one array per type, appended in place through the subscript
    // (an array inside an enum payload would be copied on every append).
    // INVARIANT: scale `noneScale` marks none; `wideScale` marks a value in `wide`.
    var mantissas: [[Int64]] = []
    var scales: [[Int8]] = []
    var wide: [[Int: ExactDecimal]] = []
    // INVARIANT: `Int32.min` marks none.
    var days: [[Int32]] = []
    // INVARIANT: 0 false, 1 true, 2 none.
    var bools: [[UInt8]] = []
    var texts: [[String?]] = []
    var others: [[Value]] = []
    /// Per field slot, where its values are.
    let layout: [Column]

    static let noneScale: Int8 = -1
    static let wideScale: Int8 = -2

    /// The source line each row came from, for messages.
    public internal(set) var lines: [Int32] = []

    /// An empty table for fields of these types. `keep` names the slots to store
    /// (nil: all); the others are skipped and must never be read.
    public init(types: [ColumnType], keep: Set<Int>? = nil) {
        var layout: [Column] = []
        for (slot, type) in types.enumerated() {
            if let keep, !keep.contains(slot) {
                layout.append(Column(storage: .skipped, index: 0))
                continue
            }
            switch type {
            case .decimal:
                layout.append(Column(storage: .decimal, index: mantissas.count))
                mantissas.append([]); scales.append([]); wide.append([:])
            case .date: layout.append(Column(storage: .date, index: days.count)); days.append([])
            case .bool: layout.append(Column(storage: .bool, index: bools.count)); bools.append([])
            case .text: layout.append(Column(storage: .text, index: texts.count)); texts.append([])
            case .other: layout.append(Column(storage: .other, index: others.count)); others.append([])
            }
        }
        self.layout = layout
    }

    /// A table keeping every field as a `Value` (tests, explain).
    public init(fieldCount: Int) {
        self.init(types: Array(repeating: .other, count: fieldCount))
    }

    public var count: Int { lines.count }

    /// Whether a slot's values are kept (false: checked while loading, then dropped).
    public func keeps(_ slot: Int) -> Bool { layout[slot].storage != .skipped }

    /// The value of a field for a customer.
    @inlinable
    public func value(_ slot: Int, _ row: Int) -> Value {
        readValue(slot, row)
    }

    @usableFromInline
    func readValue(_ slot: Int, _ row: Int) -> Value {
        let column = layout[slot], i = column.index
        switch column.storage {
        case .decimal:
            let scale = scales[i][row]
            if scale >= 0 { return .number(ExactDecimal(smallMantissa: mantissas[i][row], scale: Int32(scale))) }
            return scale == Self.noneScale ? .none : .number(wide[i][row] ?? .zero)
        case .date:
            let d = days[i][row]
            return d == Int32.min ? .none : .date(CivilDate(daysSinceEpoch: d))
        case .bool:
            let b = bools[i][row]
            return b == 2 ? .none : .bool(b == 1)
        case .text:
            return texts[i][row].map { .text($0) } ?? .none
        case .other:
            return others[i][row]
        case .skipped:
            // INVARIANT: the program reads only kept slots (see `Program.usedFields`).
            return .none
        }
    }

    /// The text of a text field, read from its column (nil: none, or not text).
    public func text(_ slot: Int, _ row: Int) -> String? {
        let column = layout[slot]
        if column.storage == .text { return texts[column.index][row] }
        if case .text(let t) = readValue(slot, row) { return t }
        return nil
    }

    /// Appends one customer; `values` holds one value per field slot.
    public mutating func append(_ values: [Value], line: Int) {
        // INVARIANT: callers pass exactly one value per field, of the field's type.
        let row = lines.count
        for slot in layout.indices {
            let column = layout[slot], i = column.index
            switch column.storage {
            case .decimal:
                if case .number(let n) = values[slot] {
                    if let (m, s) = n.smallParts, s <= Int32(Int8.max) {
                        mantissas[i].append(m); scales[i].append(Int8(s))
                    } else {
                        mantissas[i].append(0); scales[i].append(Self.wideScale); wide[i][row] = n
                    }
                } else {
                    mantissas[i].append(0); scales[i].append(Self.noneScale)
                }
            case .date:
                if case .date(let d) = values[slot] { days[i].append(d.daysSinceEpoch) } else { days[i].append(Int32.min) }
            case .bool:
                if case .bool(let b) = values[slot] { bools[i].append(b ? 1 : 0) } else { bools[i].append(2) }
            case .text:
                if case .text(let t) = values[slot] { texts[i].append(t) } else { texts[i].append(nil) }
            case .other:
                others[i].append(values[slot])
            case .skipped:
                break
            }
        }
        lines.append(Int32(clamping: line))
    }
}
