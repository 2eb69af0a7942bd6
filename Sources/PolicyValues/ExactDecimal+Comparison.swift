extension ExactDecimal: Comparable {
    /// Equality by value: `1.0 == 1.00`.
    @inlinable
    public static func == (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.small(let a, let sa), .small(let b, let sb)):
            if sa == sb { return a == b }
            // If aligning overflows, the aligned side is beyond Int64 and the other is not.
            guard let (x, y, _) = aligned(a, sa, b, sb) else { return a == 0 && b == 0 }
            return x == y
        case (.wide(let x), .wide(let y)):
            return x == y
        default:
            // INVARIANT: wide values never have a fast form (see `make`), so they differ.
            return false
        }
    }

    /// Numeric order.
    @inlinable
    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        if case .small(let a, let sa) = lhs.storage, case .small(let b, let sb) = rhs.storage {
            if sa == sb { return a < b }
            if let (x, y, _) = aligned(a, sa, b, sb) { return x < y }
        }
        return generalCompareEntry(lhs, rhs) < 0
    }

    @usableFromInline
    static func generalCompareEntry(_ a: ExactDecimal, _ b: ExactDecimal) -> Int { generalCompare(a, b) }
}
