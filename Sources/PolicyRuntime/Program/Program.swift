import PolicyValues
import PolicySyntax
import PolicySemantics

/// A checked policy planned for one as-of date: what `policy run`, `policy test`,
/// `policy explain` and the population aggregates all evaluate.
///
/// Every expression is flattened into one array of plain operations (`Operation`),
/// field reads go straight to the table's columns, and each action's output record
/// is laid out here once (`PlannedAction`): which fields are constant text, which
/// depend on the customer. Built once per run and shared read-only by every worker.
public final class Program: @unchecked Sendable {
    // INVARIANT: immutable after init. The buffers hold plain values only: reading
    // an operation, a rule or an action retains nothing, which matters when every
    // core reads them at once.
    public let policy: CheckedPolicy
    public let asOf: CivilDate
    public let fields: [FieldPlan]
    public let formatter: ValueFormatter
    /// How the table this program reads is laid out (see `makeTable`).
    let layout: [CustomerTable.Column]
    /// The orders block's fields (empty without one), and how the orders' table is laid out (see `makeOrderTable`).
    public let orderFields: [FieldPlan]
    let orderLayout: [CustomerTable.Column]
    /// The order field slots any expression reads (kept in the orders' table).
    public let keptOrderFields: Set<Int>
    /// Those and the customer field (every one is read while loading).
    public let usedOrderFields: Set<Int>

    let ops: UnsafeMutableBufferPointer<Operation>
    /// Constant text: names, message pieces, constant fields of records.
    let arena: UnsafeMutableBufferPointer<UInt8>
    let operands: UnsafeMutableBufferPointer<Int32>
    let parts: UnsafeMutableBufferPointer<MessagePart>
    /// Per let, the operation computing it.
    let lets: UnsafeMutableBufferPointer<Int32>
    let segments: UnsafeMutableBufferPointer<PlannedSegment>
    let cases: UnsafeMutableBufferPointer<PlannedCase>
    let labelNames: UnsafeMutableBufferPointer<ByteText>
    let rules: UnsafeMutableBufferPointer<PlannedRule>
    let actions: UnsafeMutableBufferPointer<PlannedAction>
    /// The types values are printed as (by index).
    let types: [ValueType]
    /// Per type: whether a whole number of it prints as its digits (see `ValueType.printsPlainNumber`).
    let printsPlainNumber: UnsafeMutableBufferPointer<Bool>
    /// Values that do not fit a `Scalar` inline: text constants, durations, wide numbers.
    let pool: [Value]
    /// Per action, in `actions` order: the amount `resolve` compares, when the value is constant.
    let constantAmounts: [ExactDecimal?]
    let aggregates: [PlannedAggregate]
    /// The `resolve` lines, in the order they apply.
    let resolutions: [PlannedResolution]
    /// The questions expressions ask of the history (`last_sent`, ...).
    let historyQueries: [HistoryQuery]
    /// The operations of the extra expressions planned with the policy (`plan(_:asOf:expressions:)`).
    let expressions: [Int32]
    /// The field slots any expression reads, and the key.
    public let usedFields: Set<Int>
    /// The extra expressions as checked, to plan them again for another layout.
    let expressionSources: [CheckedExpression]
    /// Per rule, its place among the rules with a modifier (-1: none), and how many have one.
    let modifierIndexes: [Int]
    let modifiedRuleCount: Int
    /// The policy has `limit` lines.
    let hasLimits: Bool
    /// Per rule, its place among the rules with a quota (-1: none), and how many have one.
    let quotaIndexes: UnsafeMutableBufferPointer<Int32>
    let quotaRuleCount: Int
    /// The holdout's seed followed by "/" (the start of what md5 hashes), and the
    /// bound its hash falls under (`HoldoutSpec.threshold`); nil without a holdout.
    let holdoutSeed: ByteText?
    let holdoutThreshold: UInt32
    /// Per rule: named after the holdout's `except` (its actions reach everybody).
    let holdoutExcepts: UnsafeMutableBufferPointer<Bool>
    /// How many operations are `shared` (see `Planner.shareOrderOperations`).
    let sharedCount: Int

    init(policy: CheckedPolicy, asOf: CivilDate, fields: [FieldPlan], formatter: ValueFormatter, layout: [CustomerTable.Column],
         orderFields: [FieldPlan], orderLayout: [CustomerTable.Column],
         planned: Planner, usedFields: Set<Int>, expressionSources: [CheckedExpression]) {
        self.policy = policy
        self.asOf = asOf
        self.fields = fields
        self.formatter = formatter
        self.layout = layout
        self.orderFields = orderFields
        self.orderLayout = orderLayout
        keptOrderFields = planned.usedOrderFields
        usedOrderFields = policy.orders.map { planned.usedOrderFields.union([$0.keySlot]) } ?? []
        ops = Self.buffer(planned.ops)
        arena = Self.buffer(planned.arena)
        operands = Self.buffer(planned.operands)
        parts = Self.buffer(planned.parts)
        lets = Self.buffer(planned.lets)
        segments = Self.buffer(planned.segments)
        cases = Self.buffer(planned.cases)
        labelNames = Self.buffer(planned.labelNames)
        rules = Self.buffer(planned.rules)
        actions = Self.buffer(planned.actions)
        types = planned.types
        printsPlainNumber = Self.buffer(planned.types.map(\.printsPlainNumber))
        pool = planned.pool
        constantAmounts = planned.constantAmounts
        aggregates = planned.aggregates
        resolutions = planned.resolutions
        historyQueries = planned.historyQueries
        expressions = planned.expressions
        self.usedFields = usedFields
        self.expressionSources = expressionSources
        var next = 0
        modifierIndexes = policy.rules.map { rule in
            guard rule.modifier != nil else { return -1 }
            next += 1
            return next - 1
        }
        modifiedRuleCount = next
        hasLimits = !policy.limits.isEmpty
        var quotas: Int32 = 0
        quotaIndexes = Self.buffer(policy.rules.map { rule in
            guard rule.quota != nil else { return -1 }
            quotas += 1
            return quotas - 1
        })
        quotaRuleCount = Int(quotas)
        holdoutSeed = planned.holdoutSeed
        holdoutThreshold = policy.holdout?.threshold ?? 0
        holdoutExcepts = Self.buffer(policy.rules.indices.map { policy.holdout?.except.contains($0) ?? false })
        sharedCount = planned.sharedCount
    }

    deinit {
        for buffer in [UnsafeMutableRawPointer(ops.baseAddress), UnsafeMutableRawPointer(arena.baseAddress),
                       UnsafeMutableRawPointer(operands.baseAddress), UnsafeMutableRawPointer(parts.baseAddress),
                       UnsafeMutableRawPointer(lets.baseAddress), UnsafeMutableRawPointer(segments.baseAddress),
                       UnsafeMutableRawPointer(cases.baseAddress), UnsafeMutableRawPointer(labelNames.baseAddress),
                       UnsafeMutableRawPointer(rules.baseAddress), UnsafeMutableRawPointer(actions.baseAddress),
                       UnsafeMutableRawPointer(printsPlainNumber.baseAddress), UnsafeMutableRawPointer(quotaIndexes.baseAddress),
                       UnsafeMutableRawPointer(holdoutExcepts.baseAddress)] {
            buffer?.deallocate()
        }
    }

    /// A plain copy of an array of plain values, owned by the program (freed in deinit).
    private static func buffer<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, array.count))
        _ = buffer.initialize(from: array)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
    }

    @inline(__always) func bytes(_ text: ByteText) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: arena[Int(text.start)..<Int(text.start + text.count)])
    }

    func text(_ text: ByteText) -> String { String(decoding: bytes(text), as: UTF8.self) }

    /// The day after which a record counts for a window ending on the as-of date:
    /// one dated `d` counts when `d > as_of - window` (SPEC section 6).
    func windowStart(_ window: Duration) -> Int32 {
        window.added(to: asOf, sign: -1)?.daysSinceEpoch ?? Int32.min
    }

    /// Whether a contact's channel, as written, is one of the channel names
    /// (`Checker.channels`): `none`, empty or anything else is no usable channel.
    func isChannelName(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        Program.channelNames.contains { $0.elementsEqual(bytes) }
    }

    static let channelNames: [[UInt8]] = Checker.channels.map { Array($0.utf8) }

    /// The reasons a record can be suppressed, as `--summary` counts them, in the
    /// order of the steps (SPEC section 6): a contact without a usable channel, each
    /// rule's `once`, each `resolve` line, each `limit` line, each rule's quota, the
    /// holdout (see `suppressionIndex`).
    public var suppressionNames: [String] {
        ["no usable channel"] + policy.rules.filter { $0.modifier != nil }.map { "\"\($0.name)\" \($0.modifierText)" }
            + resolutions.map { "resolve \($0.kind.rawValue) by \($0.strategy.rawValue)" } + policy.limits.map(\.text)
            + policy.rules.compactMap { rule in rule.quota.map { "\"\(rule.name)\" \($0.text)" } }
            + (policy.holdout == nil ? [] : ["holdout"])
    }

    /// A suppressed record's place in `suppressionNames`.
    func suppressionIndex(_ reason: SuppressedEntry.Reason) -> Int {
        switch reason {
        case .noUsableChannel: 0
        case .once(let rule, _, _): 1 + modifierIndexes[Int(rule)]
        case .resolve(let line, _): 1 + modifiedRuleCount + Int(line)
        case .limit(let line, _): 1 + modifiedRuleCount + resolutions.count + Int(line)
        case .quota(let rule): 1 + modifiedRuleCount + resolutions.count + policy.limits.count + Int(quotaIndexes[Int(rule)])
        case .holdout: 1 + modifiedRuleCount + resolutions.count + policy.limits.count + quotaRuleCount
        }
    }

    /// Why a record was suppressed, as `--suppressed` and `policy explain` say it;
    /// `text` holds the customer's own fields.
    func reason(_ suppressed: SuppressedEntry, text: UnsafeBufferPointer<UInt8>) -> String {
        switch suppressed.reason {
        case .noUsableChannel:
            return "no usable channel"
        case .once(let rule, let lastSent, let occasion):
            let head = policy.rules[Int(rule)].modifierText
            let day = CivilDate(daysSinceEpoch: lastSent).iso
            if let occasion { return "\(head): sent \(day) for \(String(decoding: text[occasion], as: UTF8.self))" }
            return "\(head): last sent \(day)"
        case .limit(let line, let filledBy):
            return "\(policy.limits[Int(line)].text): \(String(decoding: text[filledBy], as: UTF8.self))"
        case .quota(let rule):
            return "\(policy.rules[Int(rule)].quota!.text) reached"
        case .holdout:
            return "holdout"
        case .resolve(let line, let kept):
            let resolution = resolutions[Int(line)]
            let rule = String(decoding: ruleName(kept, text: text), as: UTF8.self)
            let head = "resolve \(resolution.kind.rawValue) by \(resolution.strategy.rawValue)"
            switch resolution.strategy {
            case .first: return "\(head) kept \"\(rule)\""
            case .sum: return "\(head) added it into \"\(rule)\""
            case .best:
                var value = ""
                withFields(of: kept, text: text) { i, bytes in if i == 3 { value = String(decoding: bytes, as: UTF8.self) } }
                return "\(head) kept \(value) from \"\(rule)\""
            }
        }
    }

    /// An empty table laid out as this program reads it: the used fields kept, each
    /// in the column type of its field.
    public func makeTable() -> CustomerTable {
        CustomerTable(types: fields.map(\.columnType), keep: usedFields)
    }

    /// The same for the orders: the order fields expressions read are kept (the
    /// customer field is read to find each order's customer, and kept only if read).
    public func makeOrderTable() -> CustomerTable {
        CustomerTable(types: orderFields.map(\.columnType), keep: keptOrderFields)
    }
}

/// A segment: its name, its cases and its labels' names.
struct PlannedSegment {
    var name: ByteText
    var firstCase: Int32
    var caseCount: Int32
    var firstLabel: Int32
    var labelCount: Int32
}

/// A segment's case: the label it gives and its condition (-1: `otherwise`).
struct PlannedCase {
    var label: Int32
    var condition: Int32
}

struct PlannedRule {
    var condition: Int32
    var name: ByteText
    var firstAction: Int32
    var actionCount: Int32
    var modifier: PlannedModifier = .none
    /// The operation giving the order of the rule's quota (-1: no quota).
    var quotaOrder: Int32 = -1
}

/// How often a rule may act for a customer (see `HistoryIndex`).
enum PlannedModifier {
    case none
    case once
    /// The window, in whole days from the as-of date: a record dated after `asOf - window` counts.
    case oncePer(Duration)
    /// The occasion's operation, and the type it prints as (an index into `Program.types`).
    case onceFor(Int32, type: Int32)
}

/// An action and the layout of its output record: each field is constant text
/// (worked out here once) or the operation that gives it per customer (-1: none).
///
/// The fields, as `ActionRecord.columns` orders them: the customer id, the rule,
/// the kind, then `value` (an alert writes its name there), `channel` and `due`
/// (contacts only), `severity`, `message`.
struct PlannedAction {
    var kind: ActionKind
    var kindName: ByteText
    /// The rule it belongs to (its priority: lower is higher).
    var rule: Int32
    /// The value written when it does not depend on the customer.
    var constantValue: ByteText?
    /// The value's operation (-1: the action has none).
    var value: Int32
    /// The value must be evaluated per customer: when it is `none`, no record is written.
    var checksValue: Bool
    /// The value's type, an index into `types`.
    var valueType: Int32
    /// A discount given as a percentage (`resolve` keeps those apart from amounts).
    var isPercent: Bool
    var constantChannel: ByteText?
    var channel: Int32
    var constantDue: ByteText?
    var within: Int32
    var severity: ByteText
    var message: Int32
    /// Nothing in the record after the customer id depends on the customer.
    var isConstant: Bool
}

/// An aggregate and the value it aggregates (-1: none, `count()`): per customer over
/// the population, or per order over each customer's orders.
struct PlannedAggregate {
    var kind: AggregateKind
    var argument: Int32
    /// The argument's slot, when it is a plain field (ranked without building values).
    var argumentField: Int?
    var buckets: Int
    var overOrders = false
    /// `where COND` over orders (-1: none).
    var filter: Int32 = -1
    /// `first` and `last`: the order's date (the orders block's first date field).
    var orderDate: Int32 = -1
    /// The highest index of an aggregate its argument or filter reads, through lets
    /// and segments too (-1: none): it must be computed before this one.
    var needs = -1
}

/// A `resolve` line, its cap as a number.
struct PlannedResolution {
    var kind: ActionKind
    var strategy: ResolutionStrategy
    var perChannel: Bool
    var cap: ExactDecimal?
    /// The cap is a percentage: it caps percentage discounts, a number caps amounts.
    var capIsPercent: Bool
}

extension ValueType {
    /// A whole number of this type prints as its digits (`ExactDecimal.description`).
    var printsPlainNumber: Bool { self == .int || self == .number }
}
