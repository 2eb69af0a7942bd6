import PolicyValues
import PolicySemantics
import PolicyRuntime

/// Reads one cell the way a person reads a messy export: surrounding spaces
/// trimmed (``CellText``), currency signs and thousands separators in numbers, yes/no booleans,
/// dates in the field's pattern.
public enum CellReader {
    public enum Outcome: Equatable {
        case value(Value)
        /// Nothing but spaces: `none`, the default, or a rejected row, as the field says.
        case empty
        /// Unreadable as the field's type: what was expected.
        case bad(String)
    }

    /// How a cell is read: a field's type, reduced to a value with no references so
    /// that the row loop can pass it around for free.
    public enum Kind: Sendable, Equatable {
        case text, int, number, money, bool, isoDate, duration
        /// A date in the field's pattern (an index into the patterns passed along).
        case patternDate(Int)
    }

    /// The kind of each plan, with the date patterns the kinds refer to.
    public static func kinds(_ plans: [FieldPlan]) -> (kinds: [Kind], patterns: [DatePattern]) {
        var patterns: [DatePattern] = []
        let kinds = plans.map { plan -> Kind in
            switch plan.spec.type {
            case .text: return .text
            case .int: return .int
            case .number: return .number
            case .money: return .money
            case .bool: return .bool
            case .duration: return .duration
            case .date:
                guard let pattern = plan.pattern else { return .isoDate }
                patterns.append(pattern)
                return .patternDate(patterns.count - 1)
            }
        }
        return (kinds, patterns)
    }

    public static func read(_ raw: UnsafeBufferPointer<UInt8>, as plan: FieldPlan) -> Outcome {
        let (kinds, patterns) = kinds([plan])
        return read(raw, kind: kinds[0], patterns: patterns)
    }

    public static func read(_ raw: UnsafeBufferPointer<UInt8>, kind: Kind, patterns: [DatePattern]) -> Outcome {
        let cell = CellText.trimmed(raw)
        if cell.isEmpty { return .empty }
        switch kind {
        case .text:
            return .value(.text(String(decoding: cell, as: UTF8.self)))
        case .int:
            guard let n = ExactDecimal.parseLenient(cell) else { return .bad("a whole number") }
            return n.isInteger ? .value(.number(n)) : .bad("a whole number, without decimals")
        case .number, .money:
            return number(cell, kind: kind).map { .value(.number($0)) }
                ?? .bad(kind == .money ? "an amount of money, such as 1,234.50" : "a number")
        case .bool:
            return bool(cell).map { .value(.bool($0)) } ?? .bad("yes or no (true/false, y/n, 1/0)")
        case .patternDate(let i):
            return patterns[i].parse(cell).map { .value(.date($0)) } ?? .bad("a date written \(patterns[i].text)")
        case .isoDate:
            return CivilDate(isoDateTimeUTF8: cell).map { .value(.date($0)) } ?? .bad("a date written YYYY-MM-DD")
        case .duration:
            return Duration(text: String(decoding: cell, as: UTF8.self)).map { .value(.duration($0)) }
                ?? .bad("a duration such as 30 days, at most 100 years")
        }
    }

    /// A trimmed, non-empty cell of a number kind (`int`, `number`, `money`) read as
    /// its number; nil when it is not one (`read` says why).
    @inline(__always)
    public static func number(_ cell: UnsafeBufferPointer<UInt8>, kind: Kind) -> ExactDecimal? {
        guard let n = ExactDecimal.parseLenient(cell) else { return nil }
        return kind != .int || n.isInteger ? n : nil
    }

    /// Whether cells of this kind are read by `number(_:kind:)`.
    public static func isNumber(_ kind: Kind) -> Bool {
        kind == .int || kind == .number || kind == .money
    }

    static func bool(_ cell: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard cell.count <= 5 else { return nil }
        let word = String(decoding: cell, as: UTF8.self).lowercased()
        switch word {
        case "true", "yes", "y", "1": return true
        case "false", "no", "n", "0": return false
        default: return nil
        }
    }
}
