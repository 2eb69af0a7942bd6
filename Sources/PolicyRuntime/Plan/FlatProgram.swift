import PolicySyntax
import PolicySemantics

/// One operation of a flat expression; operands are indexes of other operations.
/// Plain values only, so that reading one costs no reference counting.
enum FlatOp {
    case constant(Scalar)
    /// A decimal column read in place: the table's column index, and the slot (for wide values).
    case decimalField(column: Int32, slot: Int32)
    case dateField(column: Int32)
    case boolField(column: Int32)
    /// Any other field, through `CustomerTable.value`.
    case field(slot: Int32)
    case derived(Int32)
    case segment(Int32)
    case rank(column: Int32)
    case bucket(column: Int32)
    case negate(Int32)
    case not(Int32)
    case arithmetic(BinaryOperator, Int32, Int32)
    case compare(BinaryOperator, Int32, Int32)
    case and(Int32, Int32)
    case or(Int32, Int32)
    case coalesce(Int32, Int32)
    case between(Int32, lower: Int32, upper: Int32)
    /// The items are `operands[first ..< first + count]`.
    case member(Int32, first: Int32, count: Int32, negated: Bool)
    case isNone(Int32, negated: Bool)
    /// The arguments are `operands[first ..< first + count]`.
    case call(Builtin, first: Int32, count: Int32)
    /// The parts are `parts[first ..< first + count]`.
    case interpolate(first: Int32, count: Int32)
}

/// A piece of a message: text from the byte arena, or an operation's value printed
/// as a type from `types`.
enum FlatPart {
    case text(ByteText)
    case value(Int32, type: Int32)
}

/// Text kept as UTF-8 in `FlatProgram`'s byte arena.
struct ByteText {
    var start: Int32
    var count: Int32
}

/// A program's expressions flattened into one array of plain operations, with the
/// constant text of its output records as bytes: what `policy run` evaluates.
/// Built once per run, after the aggregates (their single values are constants
/// here), and shared read-only by every worker.
///
/// It evaluates exactly as the `Node` tree does (the tree stays the reference, and
/// `FlatEvaluator` hands every case it has no shortcut for to the same functions);
/// only the representation differs.
final class FlatProgram: @unchecked Sendable {
    // INVARIANT: immutable after init; the pointers are owned and freed in deinit.
    let ops: UnsafeMutableBufferPointer<FlatOp>
    let arena: UnsafeMutableBufferPointer<UInt8>
    let operands: [Int32]
    let parts: [FlatPart]
    let types: [ValueType]
    /// Values that do not fit a `Scalar` inline: text constants, durations, wide numbers.
    let pool: [Value]

    let lets: [Int32]
    /// Per segment, per case: the label and the condition (-1: `otherwise`).
    let segments: [[(label: Int, condition: Int32)]]
    let rules: [FlatRule]
    /// Per segment: its name, and each label's name.
    let segmentNames: [ByteText]
    let labelNames: [[ByteText]]

    struct FlatRule {
        var condition: Int32
        var name: ByteText
        var actions: [FlatAction]
    }

    /// An action's parts: constants as bytes, the rest as operations (-1: absent).
    struct FlatAction {
        var kind: ActionKind
        var kindName: ByteText
        /// The value written when it does not depend on the customer.
        var constantValue: ByteText?
        var value: Int32
        var valueType: ValueType
        var alertName: ByteText?
        var severity: ByteText
        var message: Int32
        var fixedChannel: ByteText?
        var channel: Int32
        var constantDue: ByteText?
        var within: Int32
    }

    init(_ program: Program, table: CustomerTable, aggregates: AggregateResults) {
        var builder = Builder(aggregates: aggregates, layout: table.layout)
        lets = program.lets.map { builder.op($0) }
        segments = program.segments.map { s in s.cases.map { ($0.label, $0.condition.map { builder.op($0) } ?? -1) } }
        segmentNames = program.segments.map { builder.text($0.name) }
        labelNames = program.segments.map { $0.labels.map { builder.text($0) } }
        rules = program.rules.map { rule in
            FlatRule(condition: builder.op(rule.condition), name: builder.text(rule.name), actions: rule.actions.map { a in
                FlatAction(kind: a.kind, kindName: builder.text(a.kindName), constantValue: a.constant.map { builder.text($0.text) },
                           value: a.value.map { builder.op($0) } ?? -1, valueType: a.valueType,
                           alertName: a.alertName.map { builder.text($0) }, severity: builder.text(a.severity ?? ""),
                           message: a.message.map { builder.op($0) } ?? -1, fixedChannel: a.fixedChannel.map { builder.text($0) },
                           channel: a.channel.map { builder.op($0) } ?? -1, constantDue: a.constantDue.map { builder.text($0) },
                           within: a.within.map { builder.op($0) } ?? -1)
            })
        }
        ops = .allocate(capacity: builder.ops.count)
        _ = ops.initialize(from: builder.ops)
        arena = .allocate(capacity: max(1, builder.arena.count))
        _ = arena.initialize(from: builder.arena)
        operands = builder.operands
        parts = builder.parts
        types = builder.types
        pool = builder.pool
    }

    deinit {
        ops.deallocate()
        arena.deallocate()
    }

    @inline(__always) func bytes(_ text: ByteText) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: arena[Int(text.start)..<Int(text.start + text.count)])
    }

    /// Flattens node trees, column by column as the table stores them.
    struct Builder {
        let aggregates: AggregateResults
        let layout: [(storage: CustomerTable.Storage, index: Int)]
        var ops: [FlatOp] = []
        var arena: [UInt8] = []
        var operands: [Int32] = []
        var parts: [FlatPart] = []
        var types: [ValueType] = []
        var pool: [Value] = []

        mutating func text(_ string: String) -> ByteText {
            let start = Int32(arena.count)
            arena.append(contentsOf: string.utf8)
            return ByteText(start: start, count: Int32(arena.count) - start)
        }

        mutating func constant(_ value: Value) -> FlatOp {
            if let inline = Scalar.inline(value) { return .constant(inline) }
            pool.append(value)
            return .constant(Scalar(kind: .boxed, scale: 0, extra: 0, bits: Int64(pool.count - 1)))
        }

        mutating func list(_ nodes: [Node]) -> (first: Int32, count: Int32) {
            let indexes = nodes.map { op($0) }
            let first = Int32(operands.count)
            operands.append(contentsOf: indexes)
            return (first, Int32(indexes.count))
        }

        /// Appends a node's operations (operands first) and returns the index of its own.
        mutating func op(_ node: Node) -> Int32 {
            let flat: FlatOp
            switch node {
            case .constant(let v): flat = constant(v)
            case .field(let slot):
                let (storage, column) = layout[slot]
                switch storage {
                case .decimal: flat = .decimalField(column: Int32(column), slot: Int32(slot))
                case .date: flat = .dateField(column: Int32(column))
                case .bool: flat = .boolField(column: Int32(column))
                case .text, .other, .skipped: flat = .field(slot: Int32(slot))
                }
            case .derived(let i): flat = .derived(Int32(i))
            case .segment(let i): flat = .segment(Int32(i))
            case .aggregate(let i):
                switch aggregates.columns[i] {
                case .ranks?: flat = .rank(column: Int32(i))
                case .buckets?: flat = .bucket(column: Int32(i))
                case nil: flat = constant(aggregates.scalars[i])
                }
            case .negate(let x): flat = .negate(op(x))
            case .not(let x): flat = .not(op(x))
            case .arithmetic(let o, let a, let b): flat = .arithmetic(o, op(a), op(b))
            case .compare(let o, let a, let b): flat = .compare(o, op(a), op(b))
            case .and(let a, let b): flat = .and(op(a), op(b))
            case .or(let a, let b): flat = .or(op(a), op(b))
            case .coalesce(let a, let b): flat = .coalesce(op(a), op(b))
            case .between(let v, let lo, let hi): flat = .between(op(v), lower: op(lo), upper: op(hi))
            case .member(let v, let items, let negated):
                let x = op(v)
                let (first, count) = list(items)
                flat = .member(x, first: first, count: count, negated: negated)
            case .isNone(let v, let negated): flat = .isNone(op(v), negated: negated)
            case .call(let builtin, let arguments):
                let (first, count) = list(arguments)
                flat = .call(builtin, first: first, count: count)
            case .interpolate(let pieces):
                let planned = pieces.map { piece -> FlatPart in
                    switch piece {
                    case .text(let t): return .text(text(t))
                    case .value(let node, let type):
                        types.append(type)
                        return .value(op(node), type: Int32(types.count - 1))
                    }
                }
                let first = Int32(parts.count)
                parts.append(contentsOf: planned)
                flat = .interpolate(first: first, count: Int32(planned.count))
            }
            ops.append(flat)
            return Int32(ops.count - 1)
        }
    }
}
