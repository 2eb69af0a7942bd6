import PolicyValues
import PolicySyntax

/// A `let`: a value derived per customer.
public struct LetSpec: Sendable {
    public var name: String
    public var value: Typed
    public var span: SourceSpan
}

/// A segment: ordered labels, the first whose condition holds wins.
public struct SegmentSpec: Sendable {
    public var name: String
    public var labels: [String]
    /// In file order: the label index and its condition (nil for `otherwise`).
    public var cases: [(label: Int, condition: CheckedExpression?)]
    public var span: SourceSpan
}

/// An aggregate used somewhere in the policy: over the population, or over each
/// customer's own orders.
public struct AggregateSpec: Sendable {
    public var kind: AggregateKind
    /// The per-customer value aggregated (nil for `count()`), or, over orders, the
    /// per-order value (nil for `count(orders)`).
    public var argument: Typed?
    /// The bucket count of `ntile`.
    public var buckets: Int
    public var type: ValueType
    public var span: SourceSpan
    /// Aggregates the customer's own orders: each customer gets a value.
    public var overOrders = false
    /// `where COND`: the orders that count.
    public var filter: CheckedExpression? = nil
}

/// Where a contact goes: a fixed channel name, or a field or let holding it.
public enum Channel: Sendable {
    case fixed(String)
    case dynamic(CheckedExpression)
}

/// One checked action of a rule.
public struct ActionSpec: Sendable {
    public var kind: ActionKind
    /// The value: discount, gift, points, credit, tag, and a contact's template.
    public var value: Typed?
    public var alertName: String?
    public var severity: String?
    public var message: CheckedExpression?
    public var channel: Channel?
    /// `within N days` of a contact.
    public var within: CheckedExpression?
    public var span: SourceSpan
}

/// A checked rule: its condition and actions.
public struct RuleSpec: Sendable {
    public var name: String
    public var condition: CheckedExpression
    public var actions: [ActionSpec]
    public var span: SourceSpan
    /// How often the rule may act for a customer, by the history of earlier runs.
    public var modifier: CheckedModifier? = nil
    /// The modifier as written (`once per 30 days`), for reasons and messages.
    public var modifierText = ""
    /// `limit 200 by clv desc`, `budget 5000 by clv desc`.
    public var quota: QuotaSpec? = nil
}

/// A checked rule quota: the rule's actions go to the customers first by `order`
/// (`none` last, ties in input order) while the quota lasts (SPEC section 7).
public struct QuotaSpec: Sendable {
    public enum Form: Sendable {
        /// At most this many customers.
        case customers(Int)
        /// While the running sum of the rule's amounts stays within this.
        case budget(ExactDecimal)
    }
    public var form: Form
    public var order: Typed
    public var ascending: Bool
    /// `quota 200`, `budget 5000`: the reason's words before "reached".
    public var text: String
    public var span: SourceSpan
}

/// The checked `holdout` line: the control group.
public struct HoldoutSpec: Sendable {
    /// The share held out, as a fraction (5% is 0.05).
    public var share: ExactDecimal
    public var seed: String
    /// The rules whose actions held-out customers still get, by index.
    public var except: [Int]
    public var span: SourceSpan
    /// `share × 10000` rounded up: an integer below it is below the share itself, so
    /// a customer is held out when the hash's number (`PolicyRuntime`) is below it.
    public let threshold: UInt32

    public init(share: ExactDecimal, seed: String, except: [Int], span: SourceSpan) {
        self.share = share
        self.seed = seed
        self.except = except
        self.span = span
        let scaled = share * ExactDecimal(10_000)
        // The nearest whole number, moved up to the least one not below.
        var whole = scaled.rounded(places: 0)
        if whole < scaled { whole = whole + ExactDecimal(1) }
        if whole - ExactDecimal(1) >= scaled { whole = whole - ExactDecimal(1) }
        threshold = UInt32(min(max(whole.intValue ?? 0, 0), 10_000))
    }

}

/// A checked `limit` line: at most `count` actions of `kind` per customer within the
/// window, this run's and the history's together.
public struct LimitSpec: Sendable {
    public var kind: ActionKind
    public var count: Int
    public var window: Duration
    public var perChannel: Bool
    /// The rules neither limited nor counted, by index.
    public var except: [Int]
    /// As written, without the exceptions (`limit contact 1 per 30 days`), for reasons.
    public var text: String
    public var span: SourceSpan
}

/// A checked rule modifier.
public enum CheckedModifier: Sendable {
    /// `once`: at most once per customer, ever.
    case once
    /// `once per 30 days`: not again while the last time is within the window.
    case oncePer(Duration)
    /// `once for EXPR`: at most once per distinct value of the expression.
    case onceFor(Typed)
}

/// How the actions of one kind are reduced per customer.
public enum ResolutionStrategy: String, Sendable {
    case best, first, sum
}

/// A checked `resolve` line.
public struct ResolutionSpec: Sendable {
    public var kind: ActionKind
    public var strategy: ResolutionStrategy
    /// `sum max 30%`: the cap on the total.
    public var cap: Literal?
    public var perChannel: Bool
    public var span: SourceSpan
}

/// A checked `test` block (run by `policy test`).
public struct TestSpec: Sendable {
    public var name: String
    public var asOf: Literal?
    /// Inline customer records: field slot and literal value, and where each was written.
    public var customers: [TestRecord]
    /// `customers "file"` paths as written (relative to the policy file's folder).
    public var customerFiles: [(path: String, span: SourceSpan)]
    public var expectations: [TestExpectation]
    /// Inline `order { ... }` records (`slot` of the orders schema), and `orders "file"` paths.
    public var orders: [TestRecord] = []
    public var orderFiles: [(path: String, span: SourceSpan)] = []
    /// The test's name in the source.
    public var span: SourceSpan
    /// The history the test runs with (`sent { ... }`).
    public var sent: [SentRecord] = []
}

/// A record of the history a test runs with (`sent { customer: "T1", rule: "Birthday", as_of: 2026-11-20 }`).
public struct SentRecord: Sendable {
    public var customer: String
    public var rule: String
    /// The action's kind (default: the rule's first action's) and channel (default: its fixed channel).
    public var action: String
    public var channel: String
    public var asOf: CivilDate
    public var occasion: String
    public var span: SourceSpan
}

/// An inline `customer { ... }` record of a test.
public struct TestRecord: Sendable {
    public var values: [(slot: Int, value: Literal)]
    public var span: SourceSpan
}

/// A checked `expect` line.
public struct TestExpectation: Sendable {
    public enum Form: Sendable {
        /// `expect tier Gold` (`label` nil for `expect tier none`).
        case label(segment: Int, label: Int?)
        /// `expect discount 15%`, `expect alert churn_risk`; a nil value: any action of the kind.
        case action(ActionKind, ExpectedValue?)
        /// `expect no discount`; nil: `expect no actions`.
        case noAction(ActionKind?)
        /// `expect days_inactive = 21`.
        case condition(CheckedExpression)
        /// `expect suppressed contact "birthday_wishes"`: given by a rule, and not written.
        case suppressed(ActionKind, ExpectedValue?)
    }
    /// The customer it is about (`expect customer "T2" ...`); nil: every tested customer.
    public var customer: String?
    public var form: Form
    /// The whole `expect` line, for reports.
    public var span: SourceSpan

    public init(customer: String?, form: Form, span: SourceSpan) {
        self.customer = customer
        self.form = form
        self.span = span
    }
}

/// The value an action expectation names.
public enum ExpectedValue: Sendable {
    case literal(Literal)
    /// An alert's name.
    case name(String)
}

/// Everything the runtime needs, names resolved and types checked.
public struct CheckedPolicy: Sendable {
    public var title: String?
    public var schema: Schema
    public var lets: [LetSpec]
    public var segments: [SegmentSpec]
    public var rules: [RuleSpec]
    /// INVARIANT: an aggregate's argument only refers to aggregates with a lower index,
    /// because an argument is checked (creating its inner aggregates) before the
    /// aggregate itself is appended. The runtime computes them in index order.
    public var aggregates: [AggregateSpec]
    public var resolutions: [ActionKind: ResolutionSpec]
    public var tests: [TestSpec]
    /// The policy files, main file first, then the `use`d ones.
    public var files: [PolicyFile]
    /// The `limit` lines, in file order (the order they apply in).
    public var limits: [LimitSpec] = []
    /// The control group, when the policy has one.
    public var holdout: HoldoutSpec? = nil
    /// The `orders` block's fields (`keySlot`: the field marked `customer`), if the policy has one.
    public var orders: Schema? = nil
}

extension Schema {
    /// In an orders schema: the first `date` field, which orders `first` and `last`.
    public var firstDateSlot: Int? { fields.firstIndex { $0.type == .date } }
}
