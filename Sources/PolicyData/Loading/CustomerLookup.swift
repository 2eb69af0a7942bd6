import PolicyValues
import PolicyRuntime

/// Finds a customer's row by key, for the orders that name it: open addressing
/// over the keys' hashes (`CustomerLoader.keyHash`), a hit confirmed against the key.
/// A slot holds the hash, the row, and a key of up to 16 ASCII bytes itself, so that
/// looking up a cell reads one place (the customers' keys are not read again). A
/// class: handed to every row's reading, it is retained once, not copied field by field.
public final class CustomerLookup: Sendable {
    private let table: CustomerTable
    private let keySlot: Int
    private let slots: [Slot]
    private let mask: Int

    struct Slot: Sendable {
        var hash: Int
        /// -1: empty.
        var row: Int32 = -1
        /// The key's bytes when it is ASCII and fits (-1: it is compared in the table).
        var length: Int32 = -1
        var bytes: (UInt64, UInt64) = (0, 0)
    }

    // INVARIANT: the table's keys are distinct (a customer load rejects a repeated key).
    public init(_ table: CustomerTable, keySlot: Int) {
        var capacity = 16
        while capacity < table.count * 2 { capacity *= 2 }
        var slots = [Slot](repeating: Slot(hash: 0), count: capacity)
        let mask = capacity - 1
        for row in 0..<table.count {
            let key = table.value(keySlot, row)
            var slot = Slot(hash: CustomerLoader.keyHash(key), row: Int32(row))
            if case .text(var text) = key {
                text.withUTF8 { bytes in
                    if bytes.count <= 16, CustomerLoader.asciiHash(bytes) != nil {
                        slot.length = Int32(bytes.count)
                        slot.bytes = Self.packed(bytes)
                    }
                }
            }
            var i = slot.hash & mask
            while slots[i].row >= 0 { i = (i + 1) & mask }
            slots[i] = slot
        }
        self.table = table
        self.keySlot = keySlot
        self.slots = slots
        self.mask = mask
    }

    /// An ASCII key of up to 16 bytes, hashed and packed: what `row(ofShortKey:)` probes with.
    public struct Key {
        var hash: Int
        var length: Int32
        var bytes: (UInt64, UInt64)

        /// The key of a cell's bytes (trimmed, not empty); nil when they are not ASCII or longer than 16.
        @inline(__always)
        public init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard !bytes.isEmpty, bytes.count <= 16, let hash = CustomerLoader.asciiHash(bytes) else { return nil }
            self.init(hash: hash, length: Int32(bytes.count), bytes: CustomerLookup.packed(bytes))
        }

        init(hash: Int, length: Int32, bytes: (UInt64, UInt64)) {
            self.hash = hash
            self.length = length
            self.bytes = bytes
        }
    }

    /// The row of a short ASCII key, -1 when there is none: a tight probe, so that the
    /// probes of a batch of keys, made one after another, wait for memory side by side.
    @inline(__always)
    public func row(ofShortKey key: Key) -> Int {
        slots.withUnsafeBufferPointer { slots in
            var i = key.hash & mask
            while slots[i].row >= 0 {
                let slot = slots[i]
                if slot.hash == key.hash, slot.length == key.length, slot.bytes == key.bytes { return Int(slot.row) }
                i = (i + 1) & mask
            }
            return -1
        }
    }

    /// How many customers there are to find.
    public var count: Int { table.count }

    /// Up to 16 bytes as two words, zeros after the last.
    @inline(__always)
    static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { target in
            for (i, byte) in bytes.prefix(16).enumerated() { target[i] = byte }
        }
        return words
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
        if bytes.count <= 16 { return row(ofShortKey: Key(hash: hash, length: Int32(bytes.count), bytes: Self.packed(bytes))) }
        // A longer key is compared with the customer's key itself (its slot keeps none).
        var i = hash & mask
        while slots[i].row >= 0 {
            let slot = slots[i]
            if slot.hash == hash, slot.length < 0, var key = table.text(keySlot, Int(slot.row)),
               key.withUTF8({ $0.elementsEqual(bytes) }) {
                return Int(slot.row)
            }
            i = (i + 1) & mask
        }
        return -1
    }
}
