import PolicyValues
import PolicySyntax

/// One line of output: an action to take for a customer. The text fields are the
/// output columns; `amount` and `priority` serve resolution.
public struct ActionRecord: Sendable, Equatable {
    public var row: Int
    public var customerID: String
    public var rule: String
    public var action: String
    public var value: String
    public var channel: String
    public var due: String
    public var severity: String
    public var message: String
    /// Nil for a segment assignment.
    public var kind: ActionKind?
    /// The numeric value of a discount, points or credit, for `best` and `sum`.
    public var amount: ExactDecimal?
    public var isPercent: Bool
    /// The rule's position in the file: lower is higher priority.
    public var priority: Int

    /// The output columns, in order.
    public static let columns = ["customer_id", "rule", "action", "value", "channel", "due", "severity", "message"]

    public var fields: [String] { [customerID, rule, action, value, channel, due, severity, message] }
}
