import PolicyValues
import PolicyRuntime

/// Finds a customer's row by key, for the orders that name it: open addressing
/// over the keys' hashes (`CustomerLoader.keyHash`), a hit confirmed against the key.
public struct CustomerLookup: Sendable {
    private let table: CustomerTable
    private let keySlot: Int
    /// Per slot: the hash of the key there, and its row (-1: empty).
    private let hashes: [Int]
    private let rows: [Int32]
    private let mask: Int

    // INVARIANT: the table's keys are distinct (a customer load rejects a repeated key).
    public init(_ table: CustomerTable, keySlot: Int) {
        var capacity = 16
        while capacity < table.count * 2 { capacity *= 2 }
        var hashes = [Int](repeating: 0, count: capacity)
        var rows = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for row in 0..<table.count {
            let hash = CustomerLoader.keyHash(table.value(keySlot, row))
            var i = hash & mask
            while rows[i] >= 0 { i = (i + 1) & mask }
            hashes[i] = hash
            rows[i] = Int32(row)
        }
        self.table = table
        self.keySlot = keySlot
        self.hashes = hashes
        self.rows = rows
        self.mask = mask
    }

    /// The row of the customer with this key: -1 when there is none, -2 for an empty key.
    public func row(of key: Value) -> Int {
        if key.isNone { return -2 }
        let hash = CustomerLoader.keyHash(key)
        var i = hash & mask
        while rows[i] >= 0 {
            if hashes[i] == hash, table.value(keySlot, Int(rows[i])) == key { return Int(rows[i]) }
            i = (i + 1) & mask
        }
        return -1
    }
}
