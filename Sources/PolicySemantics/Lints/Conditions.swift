import PolicyValues
import PolicySyntax

/// The reasoning about conditions that the condition lints share (unreachable labels,
/// impossible rules, overlapping rules): a condition is turned into a disjunction of
/// conjunctions of simple facts about one subject each (`spend >= 500`,
/// `tier in [Gold]`, `birthday is none`), and a conjunction is dropped as soon as the
/// facts on one subject cannot all hold (`Regions.swift`).
///
/// The reasoning is sound but incomplete: what it cannot read (two fields compared
/// with each other, a call) becomes an opaque true/false subject, and a form that grows
/// past `limit` alternatives is given up (nil). A lint that needs a proof of
/// impossibility therefore only ever misses one, it never invents one.
struct Conditions {
    /// Which of Kleene's outcomes a form describes. A `when` fires only on `true`, so a
    /// label is reached when every earlier condition is *not true* (false or none).
    enum Mode: Int {
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

    /// A disjunction of conjunctions, none of them impossible (so `[]` never holds and
    /// `[.always]` always does); nil when it grew past `limit` and was given up.
    typealias Form = [Conjunction]?

    /// Above this many alternatives a condition is treated as unknown.
    static let limit = 64

    /// How many other conditions one condition is compared with, one by one, at most.
    /// Comparing every label or rule with every earlier one would make `policy check`
    /// quadratic in the size of the policy; a lint that needs more gives up (and, being
    /// sound, says nothing).
    static let window = 64

    let policy: CheckedPolicy
    /// The forms of boolean lets, per let and mode, so a shared let is read once.
    private let letForms = LintMemo<Int, Form>()
    /// A small number per distinct subject expression.
    private let subjects = SubjectTable()

    init(policy: CheckedPolicy) {
        self.policy = policy
    }

    // MARK: - What the lints ask

    /// True when no customer can ever make a condition true (`spend >= 100 and spend < 50`),
    /// given the form of its `isTrue` outcome.
    static func neverHolds(_ matching: Form) -> Bool {
        matching?.isEmpty ?? false
    }

    /// False only when no customer can satisfy both forms (an unknown form proves nothing).
    static func canHoldTogether(_ a: Form, _ b: Form) -> Bool {
        guard let a, let b else { return true }
        for x in a {
            for y in b where x.meets(y) { return true }
        }
        return false
    }

    // MARK: - Normal form

    /// The alternatives under which `bound` has the outcome `mode`.
    func form(_ bound: CheckedExpression, _ mode: Mode, depth: Int = 0) -> Form {
        // INVARIANT: a checked policy has no cycles among lets, so inlining ends;
        // the depth cap only guards against pathological nesting.
        if depth > 64 { return nil }
        switch bound {
        case .literal(.bool(let value)):
            switch mode {
            case .isTrue, .notFalse: return value ? [.always] : []
            case .isFalse, .notTrue: return value ? [] : [.always]
            }
        case .literal(.none):
            return mode == .notTrue || mode == .notFalse ? [.always] : []
        case .not(let inner):
            return form(inner, mode.negated, depth: depth + 1)
        case .and(let a, let b):
            let x = form(a, mode, depth: depth + 1), y = form(b, mode, depth: depth + 1)
            return mode == .isTrue || mode == .notFalse ? product(x, y) : union(x, y)
        case .or(let a, let b):
            let x = form(a, mode, depth: depth + 1), y = form(b, mode, depth: depth + 1)
            return mode == .isTrue || mode == .notFalse ? union(x, y) : product(x, y)
        case .letValue(let index) where policy.lets[index].value.type == .bool:
            return letForms.value(index * 4 + mode.rawValue) { form(policy.lets[index].value.expression, mode, depth: depth + 1) }
        case .isNone(let value, let negated):
            let holds = mode == .isTrue || mode == .notFalse
            return Self.alternatives([.none(subject(value), holds != negated)])
        case .compare(let op, let left, let right) where op.isComparison:
            if let c = constant(right), constant(left) == nil {
                let s = subject(left)
                return atom(.compare(s, op, c), .compare(s, Self.flip(op), c), mode, s)
            }
            if let c = constant(left), constant(right) == nil {
                let op = Self.mirror(op), s = subject(right)
                return atom(.compare(s, op, c), .compare(s, Self.flip(op), c), mode, s)
            }
            return boolean(bound, mode)
        case .between(let value, let lower, let upper):
            guard let lo = constant(lower), let hi = constant(upper), constant(value) == nil else {
                return boolean(bound, mode)
            }
            let s = subject(value)
            let inside = Conjunction(.compare(s, .greaterEqual, lo)).flatMap { a in
                Conjunction(.compare(s, .lessEqual, hi)).flatMap { a.and($0) }
            }
            let outside = Self.alternatives([.compare(s, .less, lo), .compare(s, .greater, hi)]) ?? []
            let none = Self.alternatives([.none(s, true)]) ?? []
            let within = inside.map { [$0] } ?? []
            switch mode {
            case .isTrue: return within
            case .isFalse: return outside
            case .notTrue: return outside + none
            case .notFalse: return within + none
            }
        case .member(let value, let items, let negated):
            let constants = items.compactMap(constant)
            guard constants.count == items.count, constant(value) == nil else { return boolean(bound, mode) }
            let s = subject(value), set = Set(constants)
            return atom(.member(s, set, negated: negated), .member(s, set, negated: !negated), mode, s)
        default:
            return boolean(bound, mode)
        }
    }

    /// A fact with its positive and negative forms, and the subject that may be none.
    private func atom(_ positive: Fact, _ negative: Fact, _ mode: Mode, _ subject: Int) -> Form {
        switch mode {
        case .isTrue: Self.alternatives([positive])
        case .isFalse: Self.alternatives([negative])
        case .notTrue: Self.alternatives([negative, .none(subject, true)])
        case .notFalse: Self.alternatives([positive, .none(subject, true)])
        }
    }

    /// Each fact as an alternative of its own, leaving out those that cannot hold.
    private static func alternatives(_ facts: [Fact]) -> Form {
        facts.compactMap { Conjunction($0) }
    }

    /// Anything else of type bool: an opaque subject that is true, false or none.
    private func boolean(_ bound: CheckedExpression, _ mode: Mode) -> Form {
        let s = subject(bound)
        return atom(.compare(s, .equal, .bool(true)), .compare(s, .equal, .bool(false)), mode, s)
    }

    /// Either form; alternatives said twice are kept once.
    func union(_ x: Form, _ y: Form) -> Form {
        guard let x, let y else { return nil }
        var out = Alternatives(x)
        for b in y {
            out.add(b)
            if out.items.count > Self.limit { return nil }
        }
        return out.items
    }

    /// Both forms: every way of taking one alternative from each side, dropping the
    /// impossible ones and those already taken; nil past `limit` alternatives.
    func product(_ x: Form, _ y: Form, limit: Int = Self.limit) -> Form {
        guard let x, let y else { return nil }
        var out = Alternatives()
        for a in x {
            for b in y {
                guard let both = a.and(b) else { continue }
                out.add(both)
                if out.items.count > limit { return nil }
            }
        }
        return out.items
    }

    /// A form with at most `size` alternatives, each saying no more than `form`
    /// does: whoever `form` holds, it holds too, and perhaps more. Alternatives are
    /// joined in pairs until few enough (`Conjunction.join`), and long lists of
    /// values are forgotten. A lint may keep "the customers no earlier label took"
    /// this way: a form that holds more can only prove less, so what it proves
    /// still holds, and its size, hence the work per label, stays bounded.
    func widened(_ form: [Conjunction], to size: Int) -> [Conjunction] {
        var items = form.map { $0.capped(Self.limit) }
        while items.count > size {
            var joined = Alternatives()
            for k in stride(from: 0, to: items.count, by: 2) {
                joined.add(k + 1 < items.count ? items[k].join(items[k + 1]) : items[k])
            }
            items = joined.items
        }
        return items
    }

    // MARK: - Constants and subjects

    func constant(_ bound: CheckedExpression) -> Constant? {
        switch bound {
        case .literal(let literal):
            switch literal {
            case .number(let t): return ExactDecimal(t).map(Constant.number)
            case .percent(let t): return ExactDecimal(percent: t).map(Constant.number)
            case .text(let t): return .text(t)
            case .date(let y, let m, let d): return .date(y * 10_000 + m * 100 + d)
            case .bool(let b): return .bool(b)
            case .duration(let a, let u): return .other("\(a) \(u.rawValue)")
            case .none: return nil
            }
        case .negate(.literal(.number(let t))): return ExactDecimal(t).map { .number(-$0) }
        case .negate(.literal(.percent(let t))): return ExactDecimal(percent: t).map { .number(-$0) }
        case .label(let segment, let index): return .label(segment: segment, index: index)
        default: return nil
        }
    }

    /// The subject an expression stands for: expressions of the same shape are the
    /// same subject.
    func subject(_ bound: CheckedExpression) -> Int {
        subjects.id(bound)
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
}

/// The alternatives of a form being built, each kept once. Forms are mostly tiny, so a
/// repeat is looked for in the list itself until it grows long enough for a set to pay.
struct Alternatives {
    private(set) var items: [Conditions.Conjunction]
    private var seen: Set<Conditions.Conjunction>? = nil

    init(_ items: [Conditions.Conjunction] = []) {
        self.items = []
        for item in items { add(item) }
    }

    mutating func add(_ item: Conditions.Conjunction) {
        if seen == nil, items.count >= 8 { seen = Set(items) }
        if seen != nil {
            guard seen!.insert(item).inserted else { return }
        } else if items.contains(item) {
            return
        }
        items.append(item)
    }
}

/// Numbers the distinct subject expressions, so that facts name their subject by a
/// small integer instead of carrying (and comparing) the expression.
final class SubjectTable {
    private var ids: [CheckedExpression: Int] = [:]

    func id(_ bound: CheckedExpression) -> Int {
        if let known = ids[bound] { return known }
        let id = ids.count
        ids[bound] = id
        return id
    }
}
