import PolicySemantics

/// Which aggregates an aggregate needs computed first: those its argument and
/// `where` read, directly or through lets and segments. Aggregates over orders that
/// need none of each other are computed together, in one pass over the orders.
struct AggregateNeeds {
    let policy: CheckedPolicy
    private var lets: [Int: Int] = [:]
    private var segments: [Int: Int] = [:]

    init(_ policy: CheckedPolicy) {
        self.policy = policy
    }

    /// The highest index of an aggregate `spec` reads (-1: none).
    mutating func highest(in spec: AggregateSpec) -> Int {
        max(spec.argument.map { highest(in: $0.expression) } ?? -1, spec.filter.map { highest(in: $0) } ?? -1)
    }

    mutating func highest(in expression: CheckedExpression) -> Int {
        switch expression {
        case .aggregate(let i):
            return i
        case .letValue(let i):
            if let known = lets[i] { return known }
            // INVARIANT: lets and segments have no cycles (the checker refuses them).
            let found = highest(in: policy.lets[i].value.expression)
            lets[i] = found
            return found
        case .segment(let i):
            if let known = segments[i] { return known }
            let found = policy.segments[i].cases.compactMap(\.condition).map { highest(in: $0) }.max() ?? -1
            segments[i] = found
            return found
        default:
            return expression.children.map { highest(in: $0) }.max() ?? -1
        }
    }
}
