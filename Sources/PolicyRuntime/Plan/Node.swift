import PolicySyntax
import PolicySemantics

/// The evaluable form of a checked expression: constants are values, the as-of date
/// is a constant, and everything else refers to slots and indexes.
public indirect enum Node: Sendable {
    case constant(Value)
    case field(Int)
    case derived(Int)
    case segment(Int)
    case aggregate(Int)
    case negate(Node)
    case not(Node)
    case arithmetic(BinaryOperator, Node, Node)
    case compare(BinaryOperator, Node, Node)
    case and(Node, Node)
    case or(Node, Node)
    case coalesce(Node, Node)
    case between(Node, lower: Node, upper: Node)
    case member(Node, [Node], negated: Bool)
    case isNone(Node, negated: Bool)
    case call(Builtin, [Node])
    case interpolate([PlannedPart])
}

/// A piece of a message: text, or a value printed according to its type.
public enum PlannedPart: Sendable {
    case text(String)
    case value(Node, ValueType)
}
