import PolicyValues
import PolicyRuntime

/// Finds a customer's row by key, for the orders that name it: open addressing
/// over the keys' hashes (`CustomerLoader.keyHash`), a hit confirmed against the key.
/// A slot holds the hash and the row together, so a probe reads one place.
public struct CustomerLookup: Sendable {
    private let table: CustomerTable
    private let keySlot: Int
    /// Per slot: the hash of the key there, and its row (-1: empty).
    private let slots: [(hash: Int, row: Int32)]
    private let mask: Int

    // INVARIANT: the table's keys are distinct (a customer load rejects a repeated key).
    public init(_ table: CustomerTable, keySlot: Int) {
        var capacity = 16
        while capacity < table.count * 2 { capacity *= 2 }
        var slots = [(hash: Int, row: Int32)](repeating: (0, -1), count: capacity)
        let mask = capacity - 1
        for row in 0..<table.count {
            let hash = CustomerLoader.keyHash(table.value(keySlot, row))
            var i = hash & mask
            while slots[i].row >= 0 { i = (i + 1) & mask }
            slots[i] = (hash, Int32(row))
        }
        self.table = table
        self.keySlot = keySlot
        self.slots = slots
        self.mask = mask
    }

    /// The row of the customer with this key: -1 when there is none, -2 for an empty key.
    public func row(of key: Value) -> Int {
        if key.isNone { return -2 }
        let hash = CustomerLoader.keyHash(key)
        var i = hash & mask
        while slots[i].row >= 0 {
            if slots[i].hash == hash, table.value(keySlot, Int(slots[i].row)) == key { return Int(slots[i].row) }
            i = (i + 1) & mask
        }
        return -1
    }

    /// The same for a key written in ASCII, from its cell's bytes (trimmed, not empty),
    /// without making it a `Value`; nil for other text, which goes the way of `row(of:)`.
    /// ASCII text is equal exactly when its bytes are, and hashes as `row(of:)` hashes it.
    public func row(ofText bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let hash = CustomerLoader.asciiHash(bytes) else { return nil }
        var i = hash & mask
        while slots[i].row >= 0 {
            if slots[i].hash == hash, var key = table.text(keySlot, Int(slots[i].row)) {
                let same = key.withUTF8 { $0.elementsEqual(bytes) }
                if same { return Int(slots[i].row) }
            }
            i = (i + 1) & mask
        }
        return -1
    }
}
