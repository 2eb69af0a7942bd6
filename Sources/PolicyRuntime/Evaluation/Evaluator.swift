import PolicySyntax
import PolicySemantics

/// Evaluates planned expressions for one customer at a time. Lets and segments are
/// computed at most once per customer (a cache stamped with the row), and `none`
/// follows three-valued logic: anything compared or computed with `none` is `none`.
public struct Evaluator {
    public let program: Program
    public let table: CustomerTable
    public let aggregates: AggregateResults

    var letValues: [Value]
    var letStamps: [Int]
    var segmentValues: [Value]
    var segmentStamps: [Int]

    /// Divisions by zero met so far (each gives `none`), not counting those inside a
    /// let that an earlier pass counted for the same customer (`LetDivisions`).
    public internal(set) var divisionsByZero = 0
    /// The lets whose divisions by zero are counted already, per customer: those of
    /// the aggregate pass, and, while it runs, those this evaluator counts.
    var countedLetDivisions: LetDivisions
    /// True in the aggregate pass: it notes the lets whose divisions it counts, so
    /// that the customers' evaluation does not count them again.
    var recordsLetDivisions = false

    public init(program: Program, table: CustomerTable, aggregates: AggregateResults) {
        self.program = program
        self.table = table
        self.aggregates = aggregates
        letValues = Array(repeating: .none, count: program.lets.count)
        letStamps = Array(repeating: -1, count: program.lets.count)
        segmentValues = Array(repeating: .none, count: program.segments.count)
        segmentStamps = Array(repeating: -1, count: program.segments.count)
        countedLetDivisions = aggregates.letDivisions
    }

    /// Whether a condition fires: only a definite true does.
    public mutating func holds(_ node: Node, row: Int) -> Bool {
        if case .bool(true) = value(node, row: row) { return true }
        return false
    }

    public mutating func letValue(_ index: Int, row: Int) -> Value {
        if letStamps[index] == row { return letValues[index] }
        let before = divisionsByZero
        let v = value(program.lets[index], row: row)
        if divisionsByZero != before {
            if countedLetDivisions.contains(index, row: row) {
                divisionsByZero = before
            } else if recordsLetDivisions {
                countedLetDivisions.insert(index, row: row, rows: table.count)
            }
        }
        letValues[index] = v
        letStamps[index] = row
        return v
    }

    /// The label a customer gets in a segment: the first case whose condition holds.
    public mutating func segmentValue(_ index: Int, row: Int) -> Value {
        if segmentStamps[index] == row { return segmentValues[index] }
        var result = Value.none
        for c in program.segments[index].cases {
            if let condition = c.condition {
                if holds(condition, row: row) { result = .label(c.label); break }
            } else {
                result = .label(c.label)
                break
            }
        }
        segmentValues[index] = result
        segmentStamps[index] = row
        return result
    }

    public mutating func value(_ node: Node, row: Int) -> Value {
        switch node {
        case .constant(let v): return v
        case .field(let slot): return table.value(slot, row)
        case .derived(let index): return letValue(index, row: row)
        case .segment(let index): return segmentValue(index, row: row)
        case .aggregate(let index): return aggregates.value(index, row: row)
        case .negate(let inner):
            return Self.negate(value(inner, row: row))
        case .not(let inner):
            if case .bool(let b) = value(inner, row: row) { return .bool(!b) }
            return .none
        case .arithmetic(let op, let a, let b):
            return Self.arithmetic(op, value(a, row: row), value(b, row: row), divisionsByZero: &divisionsByZero)
        case .compare(let op, let a, let b):
            return Self.compare(op, value(a, row: row), value(b, row: row))
        case .and(let a, let b):
            let x = value(a, row: row)
            if case .bool(false) = x { return .bool(false) }
            let y = value(b, row: row)
            if case .bool(false) = y { return .bool(false) }
            if case .bool(true) = x, case .bool(true) = y { return .bool(true) }
            return .none
        case .or(let a, let b):
            let x = value(a, row: row)
            if case .bool(true) = x { return .bool(true) }
            let y = value(b, row: row)
            if case .bool(true) = y { return .bool(true) }
            if case .bool(false) = x, case .bool(false) = y { return .bool(false) }
            return .none
        case .coalesce(let a, let b):
            let x = value(a, row: row)
            return x.isNone ? value(b, row: row) : x
        case .between(let v, let lower, let upper):
            let x = value(v, row: row)
            guard let lo = Value.compare(x, value(lower, row: row)),
                  let hi = Value.compare(x, value(upper, row: row)) else { return .none }
            return .bool(lo >= 0 && hi <= 0)
        case .member(let v, let items, let negated):
            let x = value(v, row: row)
            if x.isNone { return .none }
            var found = false
            for item in items where Value.compare(x, value(item, row: row)) == 0 {
                found = true
                break
            }
            return .bool(found != negated)
        case .isNone(let v, let negated):
            return .bool(value(v, row: row).isNone != negated)
        case .call(let builtin, let arguments):
            if arguments.count == 1, builtin.takesOneDate {
                // The common date calls, without an array per call.
                let v = value(arguments[0], row: row)
                guard case .date(let d) = v else { return .none }
                return DateBuiltins.call(builtin, date: d, asOf: program.asOf)
            }
            var values: [Value] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments {
                let v = value(argument, row: row)
                if v.isNone { return .none }
                values.append(v)
            }
            return Builtins.call(builtin, values, asOf: program.asOf)
        case .interpolate(let parts):
            var text = ""
            for part in parts {
                switch part {
                case .text(let t): text += t
                case .value(let node, let type): text += program.formatter.text(value(node, row: row), as: type)
                }
            }
            return .text(text)
        }
    }

    static func negate(_ v: Value) -> Value {
        if case .number(let n) = v { return .number(-n) }
        return .none
    }

    /// `a op b`; a division by zero is none, and counted.
    static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value, divisionsByZero: inout Int) -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            switch op {
            case .add: return .number(x + y)
            case .subtract: return .number(x - y)
            case .multiply: return .number(x * y)
            default:
                guard let q = x.divided(by: y) else {
                    divisionsByZero += 1
                    return .none
                }
                return .number(q)
            }
        case (.date(let x), .date(let y)) where op == .subtract:
            return .number(ExactDecimal(x.days(since: y)))
        case (.date(let d), .duration(let span)):
            return (span.added(to: d, sign: op == .subtract ? -1 : 1)).map { .date($0) } ?? .none
        case (.duration(let span), .date(let d)) where op == .add:
            return span.added(to: d).map { .date($0) } ?? .none
        default:
            return .none
        }
    }

    static func compare(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Value {
        guard let c = Value.compare(a, b) else { return .none }
        return .bool(holds(op, order: c))
    }

    /// Whether a comparison holds, given how its sides order (-1, 0, 1).
    @inline(__always)
    static func holds(_ op: BinaryOperator, order c: Int) -> Bool {
        switch op {
        case .equal: return c == 0
        case .notEqual: return c != 0
        case .less: return c < 0
        case .lessEqual: return c <= 0
        case .greater: return c > 0
        default: return c >= 0
        }
    }
}
