/// A parsed `.policy` file: its declarations in file order.
public struct PolicyFile: Sendable {
    public var source: SourceFile
    public var declarations: [Declaration]
    /// Every `#` comment of the file, in order (for the formatter).
    public var comments: [SourceSpan]

    public init(source: SourceFile, declarations: [Declaration], comments: [SourceSpan] = []) {
        self.source = source
        self.declarations = declarations
        self.comments = comments
    }
}

/// One top-level declaration.
public enum Declaration: Sendable {
    case title(String, SourceSpan)
    case use(path: String, span: SourceSpan)
    case customer(FieldBlock)
    /// `orders { ... }`: the fields of the orders export (SPEC section 5).
    case orders(FieldBlock)
    case `let`(LetDeclaration)
    case segment(SegmentDeclaration)
    case rule(RuleDeclaration)
    case resolve(ResolveDeclaration)
    case limit(LimitDeclaration)
    /// `holdout 5% seed "2026-h1"`: the control group (SPEC section 7).
    case holdout(HoldoutDeclaration)
    case test(TestDeclaration)
}

/// `customer { ... }` or `orders { ... }`: the fields a dataset must provide.
public struct FieldBlock: Sendable {
    public var fields: [FieldDeclaration]
    public var span: SourceSpan
}

/// `name type ["pattern"][?] [key | customer] [= default] [in [..]] [from "Header"]`.
public struct FieldDeclaration: Sendable {
    public var name: Name
    public var type: Name
    public var datePattern: (text: String, span: SourceSpan)?
    public var optional: Bool
    public var isKey: Bool
    /// Marked `customer`: in an `orders` block, the field holding the customer's key.
    public var isCustomer: Bool = false
    public var defaultValue: Expression?
    public var allowed: Expression?
    public var header: (text: String, span: SourceSpan)?
    public var span: SourceSpan
}

/// `let name = expr`.
public struct LetDeclaration: Sendable {
    public var name: Name
    public var value: Expression
}

/// `segment NAME { LABEL when cond ... LABEL otherwise }`.
public struct SegmentDeclaration: Sendable {
    public var name: Name
    public var cases: [SegmentCase]
    public var span: SourceSpan
}

/// One label of a segment; `condition` is nil for `otherwise`.
public struct SegmentCase: Sendable {
    public var label: Name
    public var condition: Expression?
}

/// `rule "name" when cond then action, action`.
public struct RuleDeclaration: Sendable {
    public var name: String
    public var nameSpan: SourceSpan
    /// `once`, `once per 30 days`, `once for last_order_date`, after the name.
    public var modifier: RuleModifier?
    /// `limit 200 by clv desc` or `budget 5000 by clv desc`, after the name.
    public var quota: QuotaDeclaration? = nil
    public var condition: Expression
    public var actions: [ActionDeclaration]
}

/// How often a rule may act for a customer, by the history of earlier runs.
public enum RuleModifier: Sendable {
    /// `once`: at most once per customer, ever.
    case once
    /// `once per 30 days`: not again within the window of the last time it acted.
    case oncePer(Expression)
    /// `once for last_order_date`: at most once per distinct value of the expression.
    case onceFor(Expression)
}

/// A rule's quota: its actions go to at most N customers (`limit N [customers] by
/// EXPR [asc|desc]`), or while the sum of their values stays within an amount
/// (`budget AMOUNT by EXPR [asc|desc]`), the customers taken in the order of EXPR.
public struct QuotaDeclaration: Sendable {
    public enum Form: Sendable { case customers, budget }
    public var form: Form
    /// N, or the amount.
    public var amount: Expression
    /// Written `limit 200 customers by ...` (the word changes nothing).
    public var saysCustomers: Bool
    public var order: Expression
    /// `asc` or `desc` as written; nil: `desc`.
    public var direction: Name?
    public var span: SourceSpan

    public var ascending: Bool { direction?.text == "asc" }
}

/// The seven action kinds, named as they are written.
public enum ActionKind: String, Sendable, CaseIterable, Hashable {
    case discount, gift, points, credit, alert, contact, tag
}

/// One action of a rule, as written.
public struct ActionDeclaration: Sendable {
    public enum Form: Sendable {
        /// `discount 15%`, `gift "x"`, `points 200`, `credit 60 days`, `tag "x"`.
        case valued(Expression)
        /// `alert NAME [severity LEVEL] ["message"]`.
        case alert(name: Name, severity: Name?, message: Expression?)
        /// `contact CHANNEL "template" [within N days]`.
        case contact(channel: Name, template: Expression, within: Expression?)
    }
    public var kind: ActionKind
    public var form: Form
    public var span: SourceSpan
}

/// `resolve KIND by STRATEGY [max VALUE] [per channel]`.
public struct ResolveDeclaration: Sendable {
    public var kind: Name
    public var strategy: Name
    public var cap: Expression?
    public var perChannel: Name?
    public var span: SourceSpan
}

/// `limit contact 1 per 30 days [per channel] [except "Service recovery", ...]`.
public struct LimitDeclaration: Sendable {
    public var kind: Name
    public var count: Expression
    public var window: Expression
    public var perChannel: Name?
    /// The rules neither limited nor counted, as written.
    public var except: [(name: String, span: SourceSpan)]
    public var span: SourceSpan
}

/// `holdout 5% seed "TEXT" [except "Rule", ...]`.
public struct HoldoutDeclaration: Sendable {
    public var share: Expression
    public var seed: (text: String, span: SourceSpan)
    /// The rules whose actions held-out customers still get, as written.
    public var except: [(name: String, span: SourceSpan)]
    public var span: SourceSpan
}

/// `test "name" { as of DATE; customer {...}; customers "file"; expect ... }`.
public struct TestDeclaration: Sendable {
    public var name: String
    public var span: SourceSpan
    public var asOf: Expression?
    public var customers: [TestCustomer]
    public var customerFiles: [(path: String, span: SourceSpan)]
    public var expectations: [Expectation]
    /// Inline `order { ... }` records, and `orders "file"` paths.
    public var orders: [TestCustomer] = []
    public var orderFiles: [(path: String, span: SourceSpan)] = []
    /// `sent { customer: "T1", rule: "Birthday", as_of: 2026-11-20 }`: the history the test runs with.
    public var sent: [TestCustomer] = []
}

/// An inline `customer { field: value, ... }` (or `order { ... }`, `sent { ... }`) record of a test.
public struct TestCustomer: Sendable {
    public var values: [(name: Name, value: Expression)]
    public var span: SourceSpan
}

/// One `expect` line. `customer` names the tested customer when there are several.
public struct Expectation: Sendable {
    public enum Form: Sendable {
        /// `expect tier Gold`.
        case label(segment: Name, label: Name)
        /// `expect discount 15%`, `expect alert churn_risk`, `expect contact "x"`.
        case action(ActionKind, value: Expression?)
        /// `expect no discount`; `expect no actions` has a nil kind.
        case noAction(ActionKind?)
        /// `expect suppressed contact "birthday_wishes"`: a rule gave it, and it is not written.
        case suppressed(ActionKind, value: Expression?)
        /// `expect days_inactive = 21`.
        case condition(Expression)
    }
    public var customer: (id: String, span: SourceSpan)?
    public var form: Form
    public var span: SourceSpan
}
