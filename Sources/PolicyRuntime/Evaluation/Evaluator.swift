import PolicyValues
import PolicySyntax
import PolicySemantics

/// Evaluates a `Program` for one customer at a time: lets and segments computed at
/// most once per customer, and `none` following three-valued logic (anything
/// compared or computed with `none` is `none`). Numbers, dates, booleans, labels
/// and ranks are handled in place as `Scalar`s; every other case goes through
/// `Value` to `ValueOperations` and the builtins.
///
/// Call `begin(row:)` before evaluating a customer: it starts the customer's
/// scratch values afresh.
public struct Evaluator {
    let program: Program
    let ops: UnsafeMutableBufferPointer<Operation>
    public let table: CustomerTable
    let aggregates: AggregateResults
    /// Per aggregate: the numerators and denominator of a rank column, or a bucket
    /// column, or (neither) the one value everybody has.
    let rankNumerators: [[Int32]]
    let rankDenominators: [Int32]
    let buckets: [[Int32]]
    /// Per aggregate over orders: every customer's value.
    let valueColumns: [[Value]]
    /// The orders' table, for the aggregates over orders (an empty one without orders).
    let orders: CustomerTable
    /// The order being aggregated, a row of `orders` (see `begin(order:)`).
    private(set) var orderRow = 0
    /// Counts `begin(order:)` calls: the shared values stamped under another are stale.
    private var orderGeneration = 0
    var sharedValues: [Scalar]
    var sharedStamps: [Int]
    let aggregateScalars: [Scalar]
    /// The program's constant pool, and the aggregates' values that do not fit a
    /// `Scalar` inline (boxes in place 0).
    let pool: [Value]
    /// The text column holding the key, when it is text (nearly always).
    let keyTextColumn: Int?
    /// What earlier runs recorded, for the rules with `once`.
    let history: HistoryIndex?
    /// Per rule with `once per`: the day after which a record counts (as-of date less the window).
    let windowStarts: [Int32]
    /// The same per `limit` line.
    let limitStarts: [Int32]
    /// The customers each rule's quota serves; nil: the quotas are not applied (while
    /// they are worked out, or when the policy has none).
    let quotas: QuotaAdmissions?
    /// The bytes hashed to tell whether a customer is held out, reused.
    var holdoutBytes: [UInt8] = []

    /// The customer being evaluated.
    public private(set) var row = -1
    /// Counts `begin` calls: the lets and segments computed under another are stale.
    private var generation = 0
    /// The current customer's values that do not fit a `Scalar` inline.
    var scratch: [Value] = []
    var letValues: [Scalar]
    var letStamps: [Int]
    var segmentValues: [Scalar]
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

    /// An evaluator of `program` over `table`, its aggregates computed
    /// (`AggregateResults.compute`; in that pass, those computed so far).
    public init(_ program: Program, table: CustomerTable, aggregates: AggregateResults, history: HistoryIndex? = nil,
                quotas: QuotaAdmissions? = nil) {
        let orders = aggregates.orders?.table ?? program.makeOrderTable()
        let program = program.laidOut(for: table, orders: orders)
        self.orders = orders
        self.history = history
        self.quotas = quotas
        limitStarts = program.policy.limits.map { program.windowStart($0.window) }
        windowStarts = (0..<program.rules.count).map { r in
            guard case .oncePer(let window) = program.rules[r].modifier else { return Int32.min }
            return program.windowStart(window)
        }
        self.program = program
        self.ops = program.ops
        self.table = table
        self.aggregates = aggregates
        var numerators: [[Int32]] = [], denominators: [Int32] = [], buckets: [[Int32]] = [], valueColumns: [[Value]] = []
        var scalars: [Scalar] = [], pool = program.pool
        for (column, value) in zip(aggregates.columns, aggregates.scalars) {
            switch column {
            case .ranks(let n, let d)?: numerators.append(n); denominators.append(d); buckets.append([])
            case .buckets(let b)?: numerators.append([]); denominators.append(1); buckets.append(b)
            case .values, nil: numerators.append([]); denominators.append(1); buckets.append([])
            }
            if case .values(let values)? = column { valueColumns.append(values) } else { valueColumns.append([]) }
            if let inline = Scalar.inline(value) {
                scalars.append(inline)
            } else {
                pool.append(value)
                scalars.append(Scalar(kind: .boxed, scale: 0, extra: 0, bits: Int64(pool.count - 1)))
            }
        }
        self.valueColumns = valueColumns
        rankNumerators = numerators
        rankDenominators = denominators
        self.buckets = buckets
        aggregateScalars = scalars
        self.pool = pool
        let key = table.layout[program.policy.schema.keySlot]
        keyTextColumn = key.storage == .text ? key.index : nil
        letValues = Array(repeating: .none, count: program.lets.count)
        letStamps = Array(repeating: -1, count: program.lets.count)
        segmentValues = Array(repeating: .none, count: program.segments.count)
        segmentStamps = Array(repeating: -1, count: program.segments.count)
        sharedValues = Array(repeating: .none, count: program.sharedCount)
        sharedStamps = Array(repeating: -1, count: program.sharedCount)
        countedLetDivisions = aggregates.letDivisions
    }

    /// Starts evaluating an order of the current customer (a row of the orders' table).
    mutating func begin(order: Int) {
        orderRow = order
        orderGeneration += 1
    }

    /// Starts evaluating a customer.
    public mutating func begin(row: Int) {
        self.row = row
        generation += 1
        scratch.removeAll(keepingCapacity: true)
    }

    /// The value of one of the extra expressions planned with the program (by index
    /// into the `expressions` given to `Program.plan`) for a customer.
    public mutating func value(ofExpression index: Int, row: Int) -> Value {
        if row != self.row { begin(row: row) }
        return valueOf(program.expressions[index])
    }

    /// A let's value for a customer.
    public mutating func letValue(_ index: Int, row: Int) -> Value {
        if row != self.row { begin(row: row) }
        return value(of: letValue(index))
    }

    /// An operation's value for the current customer, as a `Value`.
    mutating func valueOf(_ op: Int32) -> Value {
        value(of: eval(op))
    }

    /// The key as text (an int key prints as a whole number).
    public func customerID(_ row: Int) -> String {
        if let column = keyTextColumn { return table.texts[column][row] ?? "" }
        let slot = program.policy.schema.keySlot
        return program.formatter.text(table.value(slot, row), as: program.policy.schema.fields[slot].type.valueType)
    }

    /// Whether a condition fires: only a definite true does.
    @inline(__always)
    mutating func holds(_ op: Int32) -> Bool {
        let v = eval(op)
        return v.kind == .bool && v.bits != 0
    }

    mutating func letValue(_ index: Int) -> Scalar {
        if letStamps[index] == generation { return letValues[index] }
        let before = divisionsByZero
        let v = eval(program.lets[index])
        if divisionsByZero != before {
            if countedLetDivisions.contains(index, row: row) {
                // Counted already when an earlier pass computed this let for this customer.
                divisionsByZero = before
            } else if recordsLetDivisions {
                countedLetDivisions.insert(index, row: row, rows: table.count)
            }
        }
        letValues[index] = v
        letStamps[index] = generation
        return v
    }

    /// The label a customer gets in a segment: the first case whose condition holds.
    mutating func segmentValue(_ index: Int) -> Scalar {
        if segmentStamps[index] == generation { return segmentValues[index] }
        var result = Scalar.none
        let segment = program.segments[Int(index)]
        for k in segment.firstCase..<(segment.firstCase + segment.caseCount) {
            let c = program.cases[Int(k)]
            if c.condition < 0 || holds(c.condition) {
                result = .label(Int(c.label))
                break
            }
        }
        segmentValues[index] = result
        segmentStamps[index] = generation
        return result
    }

    /// An operation's value, with the commonest operands (constants, lets and segments
    /// already computed for this customer, numbers and dates read from a column, an
    /// order's shared values already worked out) read without a call.
    @inline(__always)
    mutating func operand(_ index: Int32) -> Scalar {
        switch ops[Int(index)] {
        case .constant(let s): return s
        case .letValue(let i) where letStamps[Int(i)] == generation: return letValues[Int(i)]
        case .segment(let i) where segmentStamps[Int(i)] == generation: return segmentValues[Int(i)]
        case .decimalField(let column, _) where table.scales[Int(column)][row] >= 0:
            return .decimal(table.mantissas[Int(column)][row], scale: table.scales[Int(column)][row])
        case .orderDecimalField(let column, _) where orders.scales[Int(column)][orderRow] >= 0:
            return .decimal(orders.mantissas[Int(column)][orderRow], scale: orders.scales[Int(column)][orderRow])
        case .orderDateField(let column):
            return date(orders, column, orderRow)
        case .shared(_, let slot) where sharedStamps[Int(slot)] == orderGeneration:
            return sharedValues[Int(slot)]
        default: return eval(index)
        }
    }

    mutating func eval(_ index: Int32) -> Scalar {
        switch ops[Int(index)] {
        case .constant(let s):
            return s
        case .decimalField(let column, let slot):
            return decimal(table, column, slot, row)
        case .dateField(let column):
            return date(table, column, row)
        case .boolField(let column):
            let b = table.bools[Int(column)][row]
            return b == 2 ? .none : .bool(b == 1)
        case .field(let slot), .textField(_, let slot):
            return scalar(table.value(Int(slot), row))
        case .orderDecimalField(let column, let slot):
            return decimal(orders, column, slot, orderRow)
        case .orderDateField(let column):
            return date(orders, column, orderRow)
        case .orderTextField(let column):
            return orders.texts[Int(column)][orderRow] == nil ? .none
                : Scalar(kind: .orderText, scale: 0, extra: column, bits: Int64(orderRow))
        case .orderField(let slot):
            return scalar(orders.value(Int(slot), orderRow))
        case .shared(let x, let slot):
            if sharedStamps[Int(slot)] == orderGeneration { return sharedValues[Int(slot)] }
            let v = eval(x)
            sharedValues[Int(slot)] = v
            sharedStamps[Int(slot)] = orderGeneration
            return v
        case .letValue(let i):
            return letValue(Int(i))
        case .segment(let i):
            return segmentValue(Int(i))
        case .aggregate(let i):
            return aggregate(Int(i))
        case .history(let q):
            return historyValue(Int(q))
        case .negate(let x):
            return negate(x)
        case .not(let x):
            let v = operand(x)
            return v.kind == .bool ? .bool(v.bits == 0) : .none
        case .arithmetic(let op, let a, let b):
            return arithmetic(op, a, b)
        case .compare(let op, let a, let b):
            let x = operand(a), y = operand(b)
            guard let c = Self.quickOrder(x, y) ?? order(x, y) else { return .none }
            return .bool(ValueOperations.holds(op, order: c))
        case .and(let a, let b):
            let x = operand(a)
            if x.kind == .bool && x.bits == 0 { return .false }
            let y = operand(b)
            if y.kind == .bool && y.bits == 0 { return .false }
            return x.kind == .bool && y.kind == .bool ? .true : .none
        case .or(let a, let b):
            let x = operand(a)
            if x.kind == .bool && x.bits != 0 { return .true }
            let y = operand(b)
            if y.kind == .bool && y.bits != 0 { return .true }
            return x.kind == .bool && y.kind == .bool ? .false : .none
        case .coalesce(let a, let b):
            let x = operand(a)
            return x.isNone ? operand(b) : x
        case .conditional(let c, let a, let b):
            let x = operand(c)
            return x.kind == .bool && x.bits != 0 ? operand(a) : operand(b)
        case .between(let v, let lower, let upper):
            let x = operand(v)
            let lo = operand(lower)
            guard let below = Self.quickOrder(x, lo) ?? order(x, lo) else { return .none }
            let hi = operand(upper)
            guard let above = Self.quickOrder(x, hi) ?? order(x, hi) else { return .none }
            return .bool(below >= 0 && above <= 0)
        case .member(let v, let first, let count, let negated):
            let x = operand(v)
            if x.isNone { return .none }
            var found = false
            for k in 0..<Int(count) {
                let item = operand(program.operands[Int(first) + k])
                if (Self.quickOrder(x, item) ?? order(x, item)) == 0 {
                    found = true
                    break
                }
            }
            return .bool(found != negated)
        case .isNone(let v, let negated):
            return .bool(operand(v).isNone != negated)
        case .call(let builtin, let first, let count):
            return call(builtin, first: Int(first), count: Int(count))
        case .interpolate(let first, let count):
            return interpolate(first: Int(first), count: Int(count))
        }
    }

    /// A decimal cell of a table's column (a wide value through `value`).
    @inline(__always)
    mutating func decimal(_ table: CustomerTable, _ column: Int32, _ slot: Int32, _ row: Int) -> Scalar {
        let scale = table.scales[Int(column)][row]
        if scale >= 0 { return .decimal(table.mantissas[Int(column)][row], scale: scale) }
        if scale == CustomerTable.noneScale { return .none }
        return scalar(table.value(Int(slot), row))
    }

    /// A date cell of a table's column.
    @inline(__always)
    func date(_ table: CustomerTable, _ column: Int32, _ row: Int) -> Scalar {
        let days = table.days[Int(column)][row]
        return days == Int32.min ? .none : .date(days)
    }

    // The rarer operations live outside `eval`, so that its common cases stay small.

    /// A rank, a bucket, the customer's value over their orders, or the one value everybody has.
    @inline(__always)
    mutating func aggregate(_ i: Int) -> Scalar {
        if !valueColumns[i].isEmpty { return scalar(valueColumns[i][row]) }
        if !rankNumerators[i].isEmpty {
            let n = rankNumerators[i][row]
            return n < 0 ? .none : .ratio(n, over: rankDenominators[i])
        }
        if !buckets[i].isEmpty {
            let b = buckets[i][row]
            return b == 0 ? .none : .decimal(Int64(b), scale: 0)
        }
        return aggregateScalars[i]
    }

    @inline(never)
    mutating func negate(_ x: Int32) -> Scalar {
        let v = operand(x)
        return scalar(ValueOperations.negate(value(of: v)))
    }

    @inline(never)
    mutating func arithmetic(_ op: BinaryOperator, _ a: Int32, _ b: Int32) -> Scalar {
        let x = operand(a), y = operand(b)
        if x.kind == .decimal, y.kind == .decimal, op != .divide {
            // Two numbers held in place: ExactDecimal's own fast paths, without a `Value`.
            let p = ExactDecimal(smallMantissa: x.bits, scale: Int32(x.scale))
            let q = ExactDecimal(smallMantissa: y.bits, scale: Int32(y.scale))
            return scalar(.number(op == .add ? p + q : (op == .subtract ? p - q : p * q)))
        }
        return scalar(ValueOperations.arithmetic(op, value(of: x), value(of: y), divisionsByZero: &divisionsByZero))
    }

    @inline(never)
    mutating func interpolate(first: Int, count: Int) -> Scalar {
        var text = ""
        for part in UnsafeBufferPointer(rebasing: program.parts[first..<(first + count)]) {
            switch part {
            case .text(let t): text += program.text(t)
            case .value(let op, let type):
                let v = operand(op)
                text += program.formatter.text(value(of: v), as: program.types[Int(type)])
            }
        }
        return box(.text(text))
    }

    /// `order` for the commonest pairs, without a call: two dates, two labels, two
    /// booleans, two decimals of one scale; nil for anything else (ask `order`).
    @inline(__always)
    static func quickOrder(_ a: Scalar, _ b: Scalar) -> Int? {
        guard a.kind == b.kind, a.scale == b.scale else { return nil }
        switch a.kind {
        case .decimal, .date, .label, .bool: return order(a.bits, b.bits)
        default: return nil
        }
    }

    /// A built-in call: `none` as soon as an argument is `none`.
    mutating func call(_ builtin: Builtin, first: Int, count: Int) -> Scalar {
        if count == 2, builtin == .startsWith || builtin == .endsWith || builtin == .contains {
            // Text against text, the commonest test of an export's codes, without an argument array.
            let x = operand(program.operands[first])
            if x.isNone { return .none }
            let y = operand(program.operands[first + 1])
            if y.isNone { return .none }
            if let t = text(of: x), let s = text(of: y) {
                return .bool(TextBuiltins.holds(builtin, t, s))
            }
            return call(builtin, values: [value(of: x), value(of: y)])
        }
        if count == 1, builtin.takesOneDate {
            let x = operand(program.operands[first])
            guard x.kind == .date else { return x.kind == .boxed ? call(builtin, values: [value(of: x)]) : .none }
            return scalar(DateBuiltins.call(builtin, date: CivilDate(daysSinceEpoch: Int32(truncatingIfNeeded: x.bits)), asOf: program.asOf))
        }
        var values: [Value] = []
        values.reserveCapacity(count)
        for k in 0..<count {
            let v = operand(program.operands[first + k])
            if v.isNone { return .none }
            values.append(value(of: v))
        }
        return call(builtin, values: values)
    }

    mutating func call(_ builtin: Builtin, values: [Value]) -> Scalar {
        scalar(Builtins.call(builtin, values, asOf: program.asOf))
    }

    /// How two values order, as `Value.compare` orders them; nil when they cannot be
    /// compared (`none`, or a mismatch).
    // `mutating` only so that `self` is passed in place, not copied (328 bytes) per call.
    mutating func order(_ a: Scalar, _ b: Scalar) -> Int? {
        if a.kind == b.kind {
            switch a.kind {
            case .none: return nil
            case .bool, .date, .label: return Self.order(a.bits, b.bits)
            case .decimal:
                if a.scale == b.scale { return Self.order(a.bits, b.bits) }
                let x = ExactDecimal(smallMantissa: a.bits, scale: Int32(a.scale))
                let y = ExactDecimal(smallMantissa: b.bits, scale: Int32(b.scale))
                return x < y ? -1 : (x == y ? 0 : 1)
            case .ratio:
                if let c = Self.orderRatios(a, b) { return c }
            case .orderText:
                let x = text(of: a)!, y = text(of: b)!
                return x == y ? 0 : (x < y ? -1 : 1)
            case .boxed: break
            }
        } else if a.isNone || b.isNone {
            return nil
        } else if a.kind == .ratio, b.kind == .decimal, let c = Self.orderRatio(a, b) {
            return c
        } else if a.kind == .decimal, b.kind == .ratio, let c = Self.orderRatio(b, a) {
            return -c
        }
        return Value.compare(value(of: a), value(of: b))
    }

    /// A rank p/q against a decimal m/10^s, compared as fractions (p·10^s against
    /// m·q); nil when that might not be the order of the rank's decimal.
    ///
    /// The rank's decimal is p/q rounded to 18 significant digits
    /// (`AggregateColumn.rank`), off by at most 0.5·10^-18 as p/q <= 1. Two different
    /// fractions p/q and m/10^s differ by at least 1/(q·10^s), which is more than
    /// twice that when q·10^s < 10^18: the rounding cannot move the rank across or
    /// onto the decimal. When they are equal, the division is exact (s <= 18 digits).
    static func orderRatio(_ ratio: Scalar, _ decimal: Scalar) -> Int? {
        guard decimal.scale <= 18 else { return nil }
        let power = Int128(ExactDecimal.powersOfTen[Int(decimal.scale)])
        guard Int128(ratio.extra) * power < 1_000_000_000_000_000_000 else { return nil }
        return order(Int128(ratio.bits) * power, Int128(decimal.bits) * Int128(ratio.extra))
    }

    /// Two ranks compared as fractions, by the same reasoning: different fractions
    /// p/q and r/s differ by at least 1/(q·s).
    static func orderRatios(_ a: Scalar, _ b: Scalar) -> Int? {
        if a.extra == b.extra { return order(a.bits, b.bits) }
        guard Int128(a.extra) * Int128(b.extra) < 1_000_000_000_000_000_000 else { return nil }
        return order(Int128(a.bits) * Int128(b.extra), Int128(b.bits) * Int128(a.extra))
    }

    @inline(__always)
    static func order<T: Comparable>(_ x: T, _ y: T) -> Int {
        x < y ? -1 : (x == y ? 0 : 1)
    }

    /// The `Value` a scalar stands for.
    // `mutating` only so that `self` is passed in place, not copied per call.
    mutating func value(of s: Scalar) -> Value {
        if s.kind == .orderText { return .text(orders.texts[Int(s.extra)][Int(s.bits)] ?? "") }
        guard s.kind == .boxed else { return s.inlineValue }
        return s.scale == 0 ? pool[Int(s.bits)] : scratch[Int(s.bits)]
    }

    /// The text a scalar holds, read in place for an order's cell; nil for any other value.
    @inline(__always)
    func text(of s: Scalar) -> String? {
        switch s.kind {
        case .orderText: return orders.texts[Int(s.extra)][Int(s.bits)]
        case .boxed:
            if case .text(let t) = s.scale == 0 ? pool[Int(s.bits)] : scratch[Int(s.bits)] { return t }
            return nil
        default: return nil
        }
    }

    /// A value as a scalar: inline when it fits, else boxed in the customer's scratch values.
    @inline(__always)
    mutating func scalar(_ v: Value) -> Scalar {
        Scalar.inline(v) ?? box(v)
    }

    mutating func box(_ v: Value) -> Scalar {
        scratch.append(v)
        return Scalar(kind: .boxed, scale: 1, extra: 0, bits: Int64(scratch.count - 1))
    }
}
