import PolicySyntax
import PolicySemantics

/// One operation of a planned expression; operands are indexes of other operations
/// (lower ones: an operation comes after what it reads, but for `shared`, which
/// stands where its operation was first planned). Plain values only, so that reading
/// one costs no reference counting.
enum Operation {
    case constant(Scalar)
    /// A field read through `CustomerTable.value`: text, durations, and any field
    /// of a table laid out other than the program expects (see `Program.laidOut`).
    case field(slot: Int32)
    /// A decimal column read in place: the table's column index, and the slot (for wide values).
    case decimalField(column: Int32, slot: Int32)
    case dateField(column: Int32)
    case boolField(column: Int32)
    /// A text column, read through `CustomerTable.value` (but written into a message in place).
    case textField(column: Int32, slot: Int32)
    /// A field of the order being aggregated (`OrderTable`), read through `CustomerTable.value`.
    case orderField(slot: Int32)
    /// The same for an order's decimal and date columns, read in place.
    case orderDecimalField(column: Int32, slot: Int32)
    case orderDateField(column: Int32)
    case orderTextField(column: Int32)
    /// An operation on one order that several others read (the same `where` in three
    /// aggregates): worked out once per order, its value kept in `slot`.
    case shared(Int32, slot: Int32)
    /// A `let`'s value, computed once per customer.
    case letValue(Int32)
    /// A segment's label for the customer, decided once per customer.
    case segment(Int32)
    /// An aggregate: a rank, a bucket, a value per customer over their orders, or one value for everybody.
    case aggregate(Int32)
    /// A question to the history of earlier runs, by index into `Program.historyQueries`.
    case history(Int32)
    case negate(Int32)
    case not(Int32)
    case arithmetic(BinaryOperator, Int32, Int32)
    case compare(BinaryOperator, Int32, Int32)
    case and(Int32, Int32)
    case or(Int32, Int32)
    case coalesce(Int32, Int32)
    case between(Int32, lower: Int32, upper: Int32)
    /// `if COND then A else B`: only the value chosen is evaluated.
    case conditional(Int32, then: Int32, otherwise: Int32)
    /// The items are `operands[first ..< first + count]`.
    case member(Int32, first: Int32, count: Int32, negated: Bool)
    case isNone(Int32, negated: Bool)
    /// The arguments are `operands[first ..< first + count]`.
    case call(Builtin, first: Int32, count: Int32)
    /// The parts are `parts[first ..< first + count]`.
    case interpolate(first: Int32, count: Int32)
}

/// A piece of a message: text from the byte arena, or an operation's value printed
/// as a type from `Program.types`.
enum MessagePart {
    case text(ByteText)
    case value(Int32, type: Int32)
}

/// Bytes kept in an arena (the program's, or a customer's records'), by place.
public struct ByteText: Sendable, Equatable {
    var start: Int32
    var count: Int32

    static let empty = ByteText(start: 0, count: 0)
}
