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
    // INVARIANT: immutable after init; the buffers hold plain values only, are owned
    // here and freed in deinit. Plain buffers, not arrays: reading a rule or an action
    // retains nothing, which matters when every core reads them at once.
    let ops: UnsafeMutableBufferPointer<FlatOp>
    let arena: UnsafeMutableBufferPointer<UInt8>
    let operands: UnsafeMutableBufferPointer<Int32>
    let parts: UnsafeMutableBufferPointer<FlatPart>
    let lets: UnsafeMutableBufferPointer<Int32>
    let segments: UnsafeMutableBufferPointer<FlatSegment>
    let cases: UnsafeMutableBufferPointer<FlatCase>
    let labelNames: UnsafeMutableBufferPointer<ByteText>
    let rules: UnsafeMutableBufferPointer<FlatRule>
    let actions: UnsafeMutableBufferPointer<FlatAction>
    /// The types values are printed as (by index).
    let types: [ValueType]
    /// Per type: whether a number of it prints plainly (see `ValueType.printsPlainNumber`).
    let printsPlainNumber: UnsafeMutableBufferPointer<Bool>
    /// Values that do not fit a `Scalar` inline: text constants, durations, wide numbers.
    let pool: [Value]

    /// A segment: its name, its cases and its labels' names.
    struct FlatSegment {
        var name: ByteText
        var firstCase: Int32
        var caseCount: Int32
        var firstLabel: Int32
        var labelCount: Int32
    }

    /// A segment's case: the label it gives and its condition (-1: `otherwise`).
    struct FlatCase {
        var label: Int32
        var condition: Int32
    }

    struct FlatRule {
        var condition: Int32
        var name: ByteText
        var firstAction: Int32
        var actionCount: Int32
    }

    /// An action's parts: constants as bytes, the rest as operations (-1: absent).
    struct FlatAction {
        var kind: ActionKind
        var kindName: ByteText
        /// The value written when it does not depend on the customer.
        var constantValue: ByteText?
        var value: Int32
        /// The value's type, an index into `types`.
        var valueType: Int32
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
        let lets = program.lets.map { builder.op($0) }
        var segments: [FlatSegment] = [], cases: [FlatCase] = [], labelNames: [ByteText] = []
        for s in program.segments {
            segments.append(FlatSegment(name: builder.text(s.name), firstCase: Int32(cases.count), caseCount: Int32(s.cases.count),
                                        firstLabel: Int32(labelNames.count), labelCount: Int32(s.labels.count)))
            for c in s.cases { cases.append(FlatCase(label: Int32(c.label), condition: c.condition.map { builder.op($0) } ?? -1)) }
            labelNames += s.labels.map { builder.text($0) }
        }
        var rules: [FlatRule] = [], actions: [FlatAction] = []
        for rule in program.rules {
            rules.append(FlatRule(condition: builder.op(rule.condition), name: builder.text(rule.name),
                                  firstAction: Int32(actions.count), actionCount: Int32(rule.actions.count)))
            for a in rule.actions {
                actions.append(FlatAction(
                    kind: a.kind, kindName: builder.text(a.kindName), constantValue: a.constant.map { builder.text($0.text) },
                    value: a.value.map { builder.op($0) } ?? -1, valueType: builder.type(a.valueType),
                    alertName: a.alertName.map { builder.text($0) }, severity: builder.text(a.severity ?? ""),
                    message: a.message.map { builder.op($0) } ?? -1, fixedChannel: a.fixedChannel.map { builder.text($0) },
                    channel: a.channel.map { builder.op($0) } ?? -1, constantDue: a.constantDue.map { builder.text($0) },
                    within: a.within.map { builder.op($0) } ?? -1))
            }
        }
        self.lets = Self.buffer(lets)
        self.segments = Self.buffer(segments)
        self.cases = Self.buffer(cases)
        self.labelNames = Self.buffer(labelNames)
        self.rules = Self.buffer(rules)
        self.actions = Self.buffer(actions)
        ops = Self.buffer(builder.ops)
        arena = Self.buffer(builder.arena)
        operands = Self.buffer(builder.operands)
        parts = Self.buffer(builder.parts)
        types = builder.types
        printsPlainNumber = Self.buffer(builder.types.map(\.printsPlainNumber))
        pool = builder.pool
    }

    deinit {
        for buffer in [UnsafeMutableRawPointer(ops.baseAddress), UnsafeMutableRawPointer(arena.baseAddress),
                       UnsafeMutableRawPointer(operands.baseAddress), UnsafeMutableRawPointer(parts.baseAddress),
                       UnsafeMutableRawPointer(lets.baseAddress), UnsafeMutableRawPointer(segments.baseAddress),
                       UnsafeMutableRawPointer(cases.baseAddress), UnsafeMutableRawPointer(labelNames.baseAddress),
                       UnsafeMutableRawPointer(rules.baseAddress), UnsafeMutableRawPointer(actions.baseAddress),
                       UnsafeMutableRawPointer(printsPlainNumber.baseAddress)] {
            buffer?.deallocate()
        }
    }

    /// A plain copy of an array of plain values.
    private static func buffer<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, array.count))
        _ = buffer.initialize(from: array)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
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

        mutating func type(_ type: ValueType) -> Int32 {
            types.append(type)
            return Int32(types.count - 1)
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
                    case .value(let node, let valueType):
                        return .value(op(node), type: type(valueType))
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
