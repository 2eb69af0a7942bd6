import PolicySyntax

/// The reasoning about conditions that the unreachable-label and overlapping-rule
/// lints share: a condition is turned into a disjunction of conjunctions of simple
/// facts about one subject each (`spend >= 500`, `tier in [Gold]`, `birthday is none`),
/// and a conjunction is shown impossible when the facts on one subject cannot all hold.
///
/// The reasoning is sound but incomplete: what it cannot read (two fields compared
/// with each other, a call) becomes an opaque true/false subject. A lint that needs a
/// proof of impossibility therefore only ever misses one, it never invents one.
struct Conditions {
    /// Which of Kleene's outcomes a form describes. A `when` fires only on `true`, so a
    /// label is reached when every earlier condition is *not true* (false or none).
    enum Mode {
        case isTrue, isFalse, notTrue, notFalse

        var negated: Mode {
            switch self {
            case .isTrue: .isFalse
            case .isFalse: .isTrue
            case .notTrue: .notFalse
            case .notFalse: .notTrue
            }
        }
    }

    /// One fact about a subject. Subjects are keyed by the shape of their expression.
    enum Fact: Hashable {
        /// `subject op constant` with op one of `= != < <= > >=`; true only when the subject has a value.
        case compare(String, BinaryOperator, Constant)
        /// `subject in [..]` / `not in`; true only when the subject has a value.
        case member(String, Set<Constant>, negated: Bool)
        /// `subject is none` (true) or `is not none` (false).
        case none(String, Bool)

        var subject: String {
            switch self {
            case .compare(let s, _, _), .member(let s, _, _), .none(let s, _): s
            }
        }
    }

    typealias Conjunction = [Fact]
    /// A disjunction of conjunctions; nil when it grew past `limit` and was given up.
    typealias Form = [Conjunction]?

    /// Above this many alternatives a condition is treated as unknown.
    static let limit = 64

    let policy: CheckedPolicy
    /// The forms of boolean lets, per let and mode, so a shared let is read once.
    private let letForms = LintMemo<String, Form>()

    init(policy: CheckedPolicy) {
        self.policy = policy
    }

    // MARK: - Normal form

    /// The alternatives under which `bound` has the outcome `mode`.
    func form(_ bound: Bound, _ mode: Mode, depth: Int = 0) -> Form {
        // INVARIANT: a checked policy has no cycles among lets, so inlining ends;
        // the depth cap only guards against pathological nesting.
        if depth > 64 { return nil }
        switch bound {
        case .literal(.bool(let value)):
            switch mode {
            case .isTrue: return value ? [[]] : []
            case .isFalse: return value ? [] : [[]]
            case .notTrue: return value ? [] : [[]]
            case .notFalse: return value ? [[]] : []
            }
        case .literal(.none):
            return mode == .notTrue || mode == .notFalse ? [[]] : []
        case .not(let inner):
            return form(inner, mode.negated, depth: depth + 1)
        case .and(let a, let b):
            let x = form(a, mode, depth: depth + 1), y = form(b, mode, depth: depth + 1)
            return mode == .isTrue || mode == .notFalse ? product(x, y) : union(x, y)
        case .or(let a, let b):
            let x = form(a, mode, depth: depth + 1), y = form(b, mode, depth: depth + 1)
            return mode == .isTrue || mode == .notFalse ? union(x, y) : product(x, y)
        case .derived(let index) where policy.lets[index].value.type == .bool:
            return letForms.value("\(index) \(mode)") { form(policy.lets[index].value.bound, mode, depth: depth + 1) }
        case .isNone(let value, let negated):
            let s = Self.key(value)
            let holds = mode == .isTrue || mode == .notFalse
            return [[.none(s, holds != negated)]]
        case .compare(let op, let left, let right) where op.isComparison:
            if let c = constant(right), constant(left) == nil {
                return atom(.compare(Self.key(left), op, c), .compare(Self.key(left), Self.flip(op), c), mode, Self.key(left))
            }
            if let c = constant(left), constant(right) == nil {
                let op = Self.mirror(op)
                return atom(.compare(Self.key(right), op, c), .compare(Self.key(right), Self.flip(op), c), mode, Self.key(right))
            }
            return boolean(bound, mode)
        case .between(let value, let lower, let upper):
            guard let lo = constant(lower), let hi = constant(upper), constant(value) == nil else {
                return boolean(bound, mode)
            }
            let s = Self.key(value)
            let inside: Conjunction = [.compare(s, .greaterEqual, lo), .compare(s, .lessEqual, hi)]
            let outside: [Conjunction] = [[.compare(s, .less, lo)], [.compare(s, .greater, hi)]]
            switch mode {
            case .isTrue: return [inside]
            case .isFalse: return outside
            case .notTrue: return outside + [[.none(s, true)]]
            case .notFalse: return [inside, [.none(s, true)]]
            }
        case .member(let value, let items, let negated):
            let constants = items.compactMap(constant)
            guard constants.count == items.count, constant(value) == nil else { return boolean(bound, mode) }
            let s = Self.key(value), set = Set(constants)
            return atom(.member(s, set, negated: negated), .member(s, set, negated: !negated), mode, s)
        default:
            return boolean(bound, mode)
        }
    }

    /// A fact with its positive and negative forms, and the subject that may be none.
    private func atom(_ positive: Fact, _ negative: Fact, _ mode: Mode, _ subject: String) -> Form {
        switch mode {
        case .isTrue: [[positive]]
        case .isFalse: [[negative]]
        case .notTrue: [[negative], [.none(subject, true)]]
        case .notFalse: [[positive], [.none(subject, true)]]
        }
    }

    /// Anything else of type bool: an opaque subject that is true, false or none.
    private func boolean(_ bound: Bound, _ mode: Mode) -> Form {
        let s = Self.key(bound)
        return atom(.compare(s, .equal, .bool(true)), .compare(s, .equal, .bool(false)), mode, s)
    }

    private func union(_ x: Form, _ y: Form) -> Form {
        guard let x, let y, x.count + y.count <= Self.limit else { return nil }
        return x + y
    }

    /// Every way of taking one alternative from each side, dropping impossible ones.
    func product(_ x: Form, _ y: Form) -> Form {
        guard let x, let y else { return nil }
        var out: [Conjunction] = []
        for a in x {
            for b in y {
                let both = a + b
                guard Self.satisfiable(both) else { continue }
                out.append(both)
                if out.count > Self.limit { return nil }
            }
        }
        return out
    }

    // MARK: - Constants and subjects

    /// A constant a condition compares with.
    enum Constant: Hashable {
        case number(LintDecimal)
        /// A date as days-like ordinal (only its order matters).
        case date(Int)
        case text(String)
        case bool(Bool)
        case label(segment: Int, index: Int)
        /// Durations and anything else: compared for equality only.
        case other(String)
    }

    func constant(_ bound: Bound) -> Constant? {
        switch bound {
        case .literal(let literal):
            switch literal {
            case .number(let t): return LintDecimal(t).map(Constant.number)
            case .percent(let t): return LintDecimal(t, percent: true).map(Constant.number)
            case .text(let t): return .text(t)
            case .date(let y, let m, let d): return .date(y * 10_000 + m * 100 + d)
            case .bool(let b): return .bool(b)
            case .duration(let a, let u): return .other("\(a) \(u.rawValue)")
            case .none: return nil
            }
        case .negate(.literal(.number(let t))): return LintDecimal("-" + t).map(Constant.number)
        case .negate(.literal(.percent(let t))): return LintDecimal("-" + t, percent: true).map(Constant.number)
        case .label(let segment, let index): return .label(segment: segment, index: index)
        default: return nil
        }
    }

    /// The comparison that holds exactly when `op` does not (for a value, not none).
    static func flip(_ op: BinaryOperator) -> BinaryOperator {
        switch op {
        case .equal: .notEqual
        case .notEqual: .equal
        case .less: .greaterEqual
        case .lessEqual: .greater
        case .greater: .lessEqual
        case .greaterEqual: .less
        default: op
        }
    }

    /// `5 < x` read as `x > 5`.
    static func mirror(_ op: BinaryOperator) -> BinaryOperator {
        switch op {
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        default: op
        }
    }

    /// A stable text for an expression's shape: two subjects are the same when their
    /// keys are.
    static func key(_ bound: Bound) -> String {
        switch bound {
        case .literal(let l): "lit(\(l))"
        case .field(let slot): "f\(slot)"
        case .derived(let index): "l\(index)"
        case .segment(let index): "s\(index)"
        case .label(let segment, let index): "label(\(segment),\(index))"
        case .aggregate(let index): "agg\(index)"
        case .today: "today"
        case .negate(let x): "neg(\(key(x)))"
        case .not(let x): "not(\(key(x)))"
        case .arithmetic(let op, let a, let b): "(\(key(a)) \(op.rawValue) \(key(b)))"
        case .compare(let op, let a, let b): "(\(key(a)) \(op.rawValue) \(key(b)))"
        case .and(let a, let b): "(\(key(a)) and \(key(b)))"
        case .or(let a, let b): "(\(key(a)) or \(key(b)))"
        case .coalesce(let a, let b): "(\(key(a)) ?? \(key(b)))"
        case .between(let v, let lo, let hi): "between(\(key(v)),\(key(lo)),\(key(hi)))"
        case .member(let v, let items, let negated): "in(\(negated),\(key(v)),\(items.map(key).joined(separator: ",")))"
        case .isNone(let v, let negated): "isnone(\(negated),\(key(v)))"
        case .call(let f, let args): "\(f.rawValue)(\(args.map(key).joined(separator: ",")))"
        case .interpolate(let parts):
            "str(" + parts.map { part -> String in
                switch part {
                case .text(let t): "t:\(t)"
                case .value(let b, _): "v:\(key(b))"
                }
            }.joined(separator: ",") + ")"
        }
    }

    // MARK: - Satisfiability

    /// Whether the facts can all hold for one customer. Facts it cannot order
    /// (text compared with `<`) are left out, which can only make it answer yes.
    static func satisfiable(_ facts: Conjunction) -> Bool {
        var regions: [String: Region] = [:]
        for fact in facts { regions[fact.subject, default: Region()].add(fact) }
        return regions.values.allSatisfy(\.isPossible)
    }

    /// What the facts of one conjunction say about one subject.
    struct Region {
        var mustBeNone = false
        var mustHaveValue = false
        var lower: (Constant, inclusive: Bool)?
        var upper: (Constant, inclusive: Bool)?
        var allowed: Set<Constant>?
        var excluded: Set<Constant> = []

        mutating func add(_ fact: Fact) {
            switch fact {
            case .none(_, let isNone):
                if isNone { mustBeNone = true } else { mustHaveValue = true }
            case .member(_, let set, let negated):
                mustHaveValue = true
                if negated { excluded.formUnion(set) } else { allowed = allowed.map { $0.intersection(set) } ?? set }
            case .compare(_, let op, let c):
                mustHaveValue = true
                switch op {
                case .equal: allowed = allowed.map { $0.intersection([c]) } ?? [c]
                case .notEqual: excluded.insert(c)
                case .greater, .greaterEqual:
                    let inclusive = op == .greaterEqual
                    guard let current = lower else { lower = (c, inclusive); return }
                    guard let order = Region.order(c, current.0) else { return }
                    if order > 0 || (order == 0 && !inclusive) { lower = (c, inclusive) }
                case .less, .lessEqual:
                    let inclusive = op == .lessEqual
                    guard let current = upper else { upper = (c, inclusive); return }
                    guard let order = Region.order(c, current.0) else { return }
                    if order < 0 || (order == 0 && !inclusive) { upper = (c, inclusive) }
                default: break
                }
            }
        }

        var isPossible: Bool {
            if mustBeNone { return !mustHaveValue }
            if let lower, let upper, let order = Region.order(lower.0, upper.0) {
                if order > 0 { return false }
                if order == 0 && (!lower.inclusive || !upper.inclusive || excluded.contains(lower.0)) { return false }
            }
            if excluded.contains(.bool(true)) && excluded.contains(.bool(false)) { return false }
            if let allowed {
                return allowed.contains { value in !excluded.contains(value) && within(value) }
            }
            return true
        }

        /// Whether a value lies inside the bounds (yes when it cannot be ordered with them).
        private func within(_ value: Constant) -> Bool {
            if let lower, let order = Region.order(value, lower.0), order < 0 || (order == 0 && !lower.inclusive) { return false }
            if let upper, let order = Region.order(value, upper.0), order > 0 || (order == 0 && !upper.inclusive) { return false }
            return true
        }

        /// -1, 0 or 1 for numbers with numbers and dates with dates; nil otherwise.
        static func order(_ a: Constant, _ b: Constant) -> Int? {
            switch (a, b) {
            case (.number(let x), .number(let y)): x < y ? -1 : (x == y ? 0 : 1)
            case (.date(let x), .date(let y)): x < y ? -1 : (x == y ? 0 : 1)
            default: nil
            }
        }
    }
}

/// An exact decimal read from a literal's digits, only to compare constants: the
/// runtime's decimals live in a later module.
struct LintDecimal: Hashable, Comparable {
    var negative: Bool
    /// Integer digits without leading zeros.
    var integer: String
    /// Fraction digits without trailing zeros.
    var fraction: String

    /// Reads `-12.50`; with `percent`, the value is a hundredth of the digits.
    init?(_ text: String, percent: Bool = false) {
        var digits = Substring(text)
        negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return nil }
        var whole = String(parts[0]), part = parts.count == 2 ? String(parts[1]) : ""
        if percent {
            whole = String(repeating: "0", count: max(0, 2 - whole.count)) + whole
            part = String(whole.suffix(2)) + part
            whole = String(whole.dropLast(2))
        }
        integer = String(whole.drop { $0 == "0" })
        fraction = String(part.reversed().drop { $0 == "0" }.reversed())
        if integer.isEmpty && fraction.isEmpty { negative = false }
    }

    static func < (a: LintDecimal, b: LintDecimal) -> Bool {
        if a.negative != b.negative { return a.negative }
        return a.negative ? magnitudeLess(b, a) : magnitudeLess(a, b)
    }

    private static func magnitudeLess(_ a: LintDecimal, _ b: LintDecimal) -> Bool {
        if a.integer.count != b.integer.count { return a.integer.count < b.integer.count }
        if a.integer != b.integer { return a.integer < b.integer }
        let width = max(a.fraction.count, b.fraction.count)
        let x = a.fraction + String(repeating: "0", count: width - a.fraction.count)
        let y = b.fraction + String(repeating: "0", count: width - b.fraction.count)
        return x < y
    }
}
