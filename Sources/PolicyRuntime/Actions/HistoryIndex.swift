import PolicyValues
import PolicySyntax

/// What earlier runs recorded (`policy run --history`), by customer: what the rules
/// with `once`, `once per` and `once for` need to know. Built once per run; read by
/// every worker.
public struct HistoryIndex: Sendable {
    /// One recorded action that a rule's modifier or a limit reads.
    struct Sent: Sendable {
        /// The rule, by index into the policy's rules (-1: a rule the policy no longer has).
        var rule: Int32
        var ruleName: String
        var kind: ActionKind?
        var channel: String
        /// The as-of date of the run that recorded it.
        var day: Int32
        /// The value of the rule's `once for` expression, as written.
        var occasion: String
    }

    private var byCustomer: [String: [Sent]] = [:]

    /// An empty history.
    public init() {}

    /// One record of the history file, as read.
    public typealias Record = (customer: String, rule: String, action: String, channel: String, asOf: CivilDate, occasion: String)

    /// The rules and the action kinds whose records `program` reads: those of a rule
    /// with a modifier or named by a history function, and those of a kind a limit (or
    /// `last_contact()`) counts. The others need not be kept at all.
    public static func wanted(_ program: Program) -> (rules: Set<String>, kinds: Set<String>) {
        var rules = Set(program.policy.rules.filter { $0.modifier != nil }.map(\.name))
        var kinds = Set(program.policy.limits.map(\.kind.rawValue))
        for query in program.historyQueries {
            switch query {
            case .lastSent(let rule), .timesSent(let rule, _): rules.insert(program.policy.rules[rule].name)
            case .lastContact: kinds.insert(ActionKind.contact.rawValue)
            }
        }
        return (rules, kinds)
    }

    /// The records `program` reads (see `wanted`), by customer.
    public init(program: Program, records: [Record]) {
        var rules: [String: Int32] = [:]
        for (index, rule) in program.policy.rules.enumerated() { rules[rule.name] = Int32(index) }
        let (wantedRules, wantedKinds) = Self.wanted(program)
        for record in records where wantedRules.contains(record.rule) || wantedKinds.contains(record.action) {
            byCustomer[record.customer, default: []].append(Sent(rule: rules[record.rule] ?? -1, ruleName: record.rule,
                                                                  kind: ActionKind(rawValue: record.action), channel: record.channel,
                                                                  day: record.asOf.daysSinceEpoch, occasion: record.occasion))
        }
    }

    public var isEmpty: Bool { byCustomer.isEmpty }

    /// What was recorded for one customer.
    func sent(customer: String) -> [Sent]? {
        byCustomer[customer]
    }
}

extension Evaluator {
    /// The answer to one of the program's history questions for the current customer:
    /// `none` (or 0 times) without a history.
    @inline(never)
    mutating func historyValue(_ index: Int) -> Scalar {
        let query = program.historyQueries[index]
        let sent = history?.sent(customer: customerID(row)) ?? []
        switch query {
        case .lastSent(let rule):
            let last = sent.lazy.filter { $0.rule == rule }.map(\.day).max()
            return last.map { .date($0) } ?? .none
        case .timesSent(let rule, let window):
            let start = program.windowStart(window)
            let days = Set(sent.lazy.filter { $0.rule == rule && $0.day > start }.map(\.day))
            return .decimal(Int64(days.count), scale: 0)
        case .lastContact:
            let last = sent.lazy.filter { $0.kind == .contact }.map(\.day).max()
            return last.map { .date($0) } ?? .none
        }
    }

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
