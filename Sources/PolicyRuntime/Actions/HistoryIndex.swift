import PolicyValues

/// What earlier runs recorded (`policy run --history`), by customer: what the rules
/// with `once`, `once per` and `once for` need to know. Built once per run; read by
/// every worker.
public struct HistoryIndex: Sendable {
    /// One recorded action of a rule with a modifier.
    struct Sent: Sendable {
        /// The rule, by index into the policy's rules.
        var rule: Int32
        /// The as-of date of the run that recorded it.
        var day: Int32
        /// The value of the rule's `once for` expression, as written.
        var occasion: String
    }

    private var byCustomer: [String: [Sent]] = [:]

    /// An empty history.
    public init() {}

    /// The records of `program`'s rules that have a modifier (no other rule reads the
    /// history yet), by customer.
    public init(program: Program, records: [(customer: String, rule: String, asOf: CivilDate, occasion: String)]) {
        var rules: [String: Int32] = [:]
        for (index, rule) in program.policy.rules.enumerated() where rule.modifier != nil { rules[rule.name] = Int32(index) }
        guard !rules.isEmpty else { return }
        for record in records {
            guard let rule = rules[record.rule] else { continue }
            byCustomer[record.customer, default: []].append(Sent(rule: rule, day: record.asOf.daysSinceEpoch, occasion: record.occasion))
        }
    }

    public var isEmpty: Bool { byCustomer.isEmpty }

    /// What was recorded for one customer.
    func sent(customer: String) -> [Sent]? {
        byCustomer[customer]
    }
}

extension Evaluator {
    /// Whether a rule that fired may act, by its modifier and the history: the reason
    /// its records are not written when it may not, and the occasion (the value of its
    /// `once for` expression) to record with them when it may.
    mutating func modifierCheck(_ r: Int, records: inout CustomerRecords) -> (blocked: SuppressedEntry.Reason?, occasion: ByteText?) {
        let modifier = program.rules[r].modifier
        var occasion: ByteText? = nil
        var occasionText = ""
        if case .onceFor(let op, let type) = modifier {
            occasionText = program.formatter.text(valueOf(op), as: program.types[Int(type)])
            occasion = records.append(occasionText)
        }
        guard let sent = history?.sent(customer: customerID(row)) else { return (nil, occasion) }
        var last: Int32? = nil
        for s in sent where s.rule == r {
            let counts: Bool = switch modifier {
            case .none: false
            case .once: true
            case .oncePer: s.day > windowStarts[r]
            case .onceFor: s.occasion == occasionText
            }
            if counts { last = max(last ?? s.day, s.day) }
        }
        return (last.map { .once(rule: Int32(r), lastSent: $0, occasion: occasion) }, occasion)
    }
}
