import PolicySyntax
import PolicySemantics

/// A checked policy planned for one as-of date: every expression in evaluable form.
/// Built once per run and shared read-only by every evaluator.
public struct Program: Sendable {
    /// A rule: its condition and its actions, in file order (which is also priority).
    public struct Rule: Sendable {
        public var name: String
        public var condition: Node
        public var actions: [Action]
    }

    /// One action with its parts planned; which parts are set depends on `kind`.
    public struct Action: Sendable {
        public var kind: ActionKind
        public var value: Node?
        public var valueType: ValueType
        public var alertName: String?
        public var severity: String?
        public var message: Node?
        public var fixedChannel: String?
        public var channel: Node?
        public var within: Node?
        /// `kind.rawValue`, kept so records do not build it again.
        public var kindName: String = ""
        /// The written value, when it is a constant (`discount 15%`, a template):
        /// formatted once here instead of for every customer.
        public var constant: (text: String, amount: ExactDecimal?, isPercent: Bool)?
        /// A contact's due date, when `within` is a constant (or absent).
        public var constantDue: String?
    }

    /// A segment: labels, and in order the label each condition gives.
    public struct Segment: Sendable {
        public var name: String
        public var labels: [String]
        public var cases: [(label: Int, condition: Node?)]
    }

    /// A population aggregate and the per-customer value it aggregates.
    public struct Aggregate: Sendable {
        public var kind: AggregateKind
        public var argument: Node?
        public var buckets: Int
    }

    public let policy: CheckedPolicy
    public let asOf: CivilDate
    public let fields: [FieldPlan]
    public let lets: [Node]
    public let segments: [Segment]
    public let rules: [Rule]
    public let aggregates: [Aggregate]
    public let formatter: ValueFormatter

    /// Plans a checked policy. Errors here are rare: constants too large to hold,
    /// date patterns that cannot be read.
    public static func plan(_ policy: CheckedPolicy, asOf: CivilDate) -> (Program?, DiagnosticBag) {
        let (fields, diagnostics) = FieldPlan.plan(policy.schema)
        let formatter = ValueFormatter(labels: policy.segments.map(\.labels))
        var planner = Planner(asOf: asOf, formatter: formatter)
        let lets = policy.lets.map { planner.node($0.value.bound) }
        let segments = policy.segments.map { s in
            Segment(name: s.name, labels: s.labels, cases: s.cases.map { ($0.label, $0.condition.map { planner.node($0) }) })
        }
        let rules = policy.rules.map { r in
            Rule(name: r.name, condition: planner.node(r.condition), actions: r.actions.map { planner.action($0) })
        }
        let aggregates = policy.aggregates.map { a in
            Aggregate(kind: a.kind, argument: a.argument.map { planner.node($0.bound) }, buckets: a.buckets)
        }
        var all = diagnostics
        all.append(contentsOf: planner.diagnostics)
        if all.hasErrors { return (nil, all) }
        let program = Program(policy: policy, asOf: asOf, fields: fields, lets: lets, segments: segments, rules: rules,
                              aggregates: aggregates, formatter: formatter)
        return (program, all)
    }
}

extension Program {
    /// The field slots any expression of the policy can read, and the key: the only
    /// fields `policy run` needs to keep after checking each row.
    public var usedFields: Set<Int> {
        var used: Set<Int> = [policy.schema.keySlot]
        func visit(_ node: Node) {
            switch node {
            case .field(let slot): used.insert(slot)
            case .constant, .derived, .segment, .aggregate: break
            case .negate(let x), .not(let x), .isNone(let x, _): visit(x)
            case .arithmetic(_, let a, let b), .compare(_, let a, let b), .and(let a, let b), .or(let a, let b), .coalesce(let a, let b):
                visit(a); visit(b)
            case .between(let v, let lo, let hi): visit(v); visit(lo); visit(hi)
            case .member(let v, let items, _): visit(v); items.forEach(visit)
            case .call(_, let arguments): arguments.forEach(visit)
            case .interpolate(let parts): for case .value(let x, _) in parts { visit(x) }
            }
        }
        lets.forEach(visit)
        for segment in segments { for c in segment.cases { c.condition.map(visit) } }
        for aggregate in aggregates { aggregate.argument.map(visit) }
        for rule in rules {
            visit(rule.condition)
            for action in rule.actions { [action.value, action.message, action.channel, action.within].compactMap { $0 }.forEach(visit) }
        }
        return used
    }

    /// Plans one more expression against this program (a test's `expect` condition).
    public func node(for bound: Bound) -> Node {
        var planner = Planner(asOf: asOf, formatter: formatter)
        return planner.node(bound)
    }
}

/// Turns bound expressions into nodes.
struct Planner {
    let asOf: CivilDate
    let formatter: ValueFormatter
    var diagnostics = DiagnosticBag()

    mutating func node(_ bound: Bound) -> Node {
        switch bound {
        case .literal(let literal):
            // INVARIANT: the parser only lets through literals that fit; a nil here is
            // a number too large for a duration, which the value is then none.
            return .constant(LiteralValue.make(literal) ?? .none)
        case .field(let slot): return .field(slot)
        case .derived(let index): return .derived(index)
        case .segment(let index): return .segment(index)
        case .label(_, let index): return .constant(.label(index))
        case .aggregate(let index): return .aggregate(index)
        case .today: return .constant(.date(asOf))
        case .negate(let inner): return .negate(node(inner))
        case .not(let inner): return .not(node(inner))
        case .arithmetic(let op, let a, let b): return .arithmetic(op, node(a), node(b))
        case .compare(let op, let a, let b): return .compare(op, node(a), node(b))
        case .and(let a, let b): return .and(node(a), node(b))
        case .or(let a, let b): return .or(node(a), node(b))
        case .coalesce(let a, let b): return .coalesce(node(a), node(b))
        case .between(let v, let lo, let hi): return .between(node(v), lower: node(lo), upper: node(hi))
        case .member(let v, let items, let negated): return .member(node(v), items.map { node($0) }, negated: negated)
        case .isNone(let v, let negated): return .isNone(node(v), negated: negated)
        case .call(let builtin, let arguments): return .call(builtin, arguments.map { node($0) })
        case .interpolate(let parts):
            return .interpolate(parts.map { part in
                switch part {
                case .text(let t): .text(t)
                case .value(let b, let type): .value(node(b), type)
                }
            })
        }
    }

    mutating func action(_ spec: ActionSpec) -> Program.Action {
        var action = Program.Action(kind: spec.kind, value: spec.value.map { node($0.bound) }, valueType: spec.value?.type ?? .text,
                                    alertName: spec.alertName, severity: spec.severity, message: spec.message.map { node($0) })
        switch spec.channel {
        case .fixed(let name)?: action.fixedChannel = name
        case .dynamic(let bound)?: action.channel = node(bound)
        case nil: break
        }
        action.within = spec.within.map { node($0) }
        action.kindName = spec.kind.rawValue
        action.constant = constantValue(action)
        if spec.kind == .contact {
            switch action.within {
            case nil: action.constantDue = asOf.iso
            case .constant(.duration(let d))?: action.constantDue = d.added(to: asOf).map(\.iso)
            default: break
            }
        }
        return action
    }

    /// An action's value formatted as `record` would, when it does not depend on the customer.
    func constantValue(_ action: Program.Action) -> (text: String, amount: ExactDecimal?, isPercent: Bool)? {
        guard case .constant(let v)? = action.value, !v.isNone else { return nil }
        return Program.Action.written(v, kind: action.kind, valueType: action.valueType, formatter: formatter)
    }
}
