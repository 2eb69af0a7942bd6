/// The loaded customers, one column of values per field slot, in input order.
/// Evaluation reads `value(slot, row)`, so the storage can change (typed columns,
/// chunks) without touching the evaluator.
public struct CustomerTable: Sendable {
    public private(set) var columns: [[Value]]
    /// The source line each row came from, for messages.
    public private(set) var lines: [Int]

    public init(fieldCount: Int, capacity: Int = 0) {
        columns = Array(repeating: [], count: fieldCount)
        for i in columns.indices { columns[i].reserveCapacity(capacity) }
        lines = []
        lines.reserveCapacity(capacity)
    }

    public var count: Int { lines.count }

    @inlinable public func value(_ slot: Int, _ row: Int) -> Value { columns[slot][row] }

    /// Appends one customer; `values` holds one value per field slot.
    public mutating func append(_ values: [Value], line: Int) {
        // INVARIANT: callers pass exactly one value per field.
        for (slot, value) in values.enumerated() { columns[slot].append(value) }
        lines.append(line)
    }
}
