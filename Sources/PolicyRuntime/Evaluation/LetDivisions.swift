/// The customers for whom the aggregate pass met a division by zero inside a let,
/// per let: a bit per customer row.
///
/// Why it exists: a let is computed afresh in each pass that needs it (once per
/// aggregate that reads it, then once more when the customer is evaluated), and
/// every pass counts the divisions by zero it meets. A let is pure, so a later
/// evaluation of the same let for the same customer meets the very same divisions;
/// counting them again would report one customer's division by zero twice or more.
/// The first evaluation counts it; later ones look here and do not.
public struct LetDivisions: Sendable {
    /// Per let, a bit per row; a let without a recorded division has no bits (and
    /// the lets after the last one recorded have no entry).
    private var bits: [[UInt64]] = []

    /// Nothing counted yet.
    public init() {}

    /// Whether the divisions of `letIndex` for `row` were counted already.
    public func contains(_ letIndex: Int, row: Int) -> Bool {
        guard letIndex < bits.count else { return false }
        let words = bits[letIndex]
        return !words.isEmpty && words[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    /// Adds what another pass noted (over other rows, or the same).
    mutating func formUnion(_ other: LetDivisions) {
        if other.bits.count > bits.count { bits += Array(repeating: [], count: other.bits.count - bits.count) }
        for (i, words) in other.bits.enumerated() where !words.isEmpty {
            if bits[i].isEmpty { bits[i] = words; continue }
            for w in words.indices { bits[i][w] |= words[w] }
        }
    }

    /// Notes that the divisions of `letIndex` for `row`, one of `rows`, have been counted.
    mutating func insert(_ letIndex: Int, row: Int, rows: Int) {
        if letIndex >= bits.count { bits += Array(repeating: [], count: letIndex + 1 - bits.count) }
        if bits[letIndex].isEmpty { bits[letIndex] = Array(repeating: 0, count: (rows + 63) >> 6) }
        bits[letIndex][row >> 6] |= 1 << UInt64(row & 63)
    }
}
