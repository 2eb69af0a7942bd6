/// An exact decimal number for money, rates and counts: `0.1 + 0.2 == 0.3` and
/// `19.99 * 3 == 59.97`, never binary floating point.
///
/// The common case is a scaled `Int64` (value = mantissa / 10^scale) so that the hot
/// operations are a couple of integer instructions and never allocate. When a result does
/// not fit, it moves to a wide form of up to 38 significant digits (rounded half-even beyond
/// that). Equality and hashing are by value: `1.0 == 1.00` and both hash the same.
public struct ExactDecimal: Sendable {
    @usableFromInline
    enum Storage: Sendable {
        // INVARIANT: 0 <= scale <= ExactDecimal.maxSmallScale.
        case small(mantissa: Int64, scale: Int32)
        // INVARIANT: only values that have no `.small` form are stored wide (see `make`), so
        // a small value never equals a wide one and each wide value has one canonical form.
        case wide(WideDecimal)
    }

    @usableFromInline
    var storage: Storage

    @inlinable
    init(storage: Storage) {
        self.storage = storage
    }

    /// The largest fractional scale kept in the fast form; finer values go wide.
    @usableFromInline
    static let maxSmallScale: Int32 = 38

    /// Significant digits kept by the wide form.
    static let maxDigits = 38

    /// Wide scales are kept within ±this; values past it are flushed to zero (tiny) or
    /// saturated (huge). Reaching it needs absurd inputs, but it must not trap.
    static let scaleLimit = 1_000_000_000

    /// Powers of ten that fit in `Int64` (10^0 ... 10^18), for aligning scales on the fast
    /// path here and in columns of decimals stored as plain integers.
    public static let powersOfTen: [Int64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
        1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
        10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
    ]

    /// A whole number.
    @inlinable
    public init(_ value: Int) {
        storage = .small(mantissa: Int64(value), scale: 0)
    }

    /// `mantissa / 10^scale`; a negative scale multiplies (`mantissa: 5, scale: -2` is 500).
    public init(mantissa: Int64, scale: Int) {
        if scale >= 0 && scale <= Int(ExactDecimal.maxSmallScale) {
            storage = .small(mantissa: mantissa, scale: Int32(scale))
        } else {
            self = ExactDecimal.make(negative: mantissa < 0, magnitude: BigUInt(mantissa.magnitude), scale: scale)
        }
    }

    /// The fast form's parts, `mantissa / 10^scale`; nil for a wide value. Lets a
    /// column of decimals be stored as plain integers.
    @inlinable
    public var smallParts: (mantissa: Int64, scale: Int32)? {
        if case .small(let mantissa, let scale) = storage { return (mantissa, scale) }
        return nil
    }

    /// Rebuilds a value from `smallParts`.
    @inlinable
    public init(smallMantissa mantissa: Int64, scale: Int32) {
        // INVARIANT: `scale` came from `smallParts`, so it is within the fast form's range.
        storage = .small(mantissa: mantissa, scale: scale)
    }

    /// 0.
    public static let zero = ExactDecimal(0)

    /// 1.
    public static let one = ExactDecimal(1)

    /// True for 0 (of any scale).
    @inlinable
    public var isZero: Bool {
        if case .small(let mantissa, _) = storage { return mantissa == 0 }
        return false
    }

    /// -1, 0 or 1.
    @inlinable
    public var sign: Int {
        switch storage {
        case .small(let mantissa, _): return mantissa == 0 ? 0 : (mantissa < 0 ? -1 : 1)
        case .wide(let wide): return wide.negative ? -1 : 1
        }
    }

    /// True when the value has no fractional part.
    public var isInteger: Bool {
        switch storage {
        case .small(let mantissa, let scale):
            if scale == 0 || mantissa == 0 { return true }
            // |mantissa| < 10^19, so a finer scale always leaves a fraction.
            guard scale <= 18 else { return false }
            return mantissa % ExactDecimal.powersOfTen[Int(scale)] == 0
        case .wide(let wide):
            return wide.scale <= 0
        }
    }

    /// The value as `Int` when it is whole and fits; nil otherwise.
    public var intValue: Int? {
        guard case .small(let mantissa, let scale) = storage, isInteger else { return nil }
        let whole = scale == 0 || mantissa == 0 ? mantissa : mantissa / ExactDecimal.powersOfTen[Int(scale)]
        return Int(exactly: whole)
    }

    /// An approximation for diagnostics and statistics only: nothing exact may depend on it.
    public var doubleValue: Double {
        Double(description) ?? .nan
    }

    /// The absolute value.
    public var magnitude: ExactDecimal {
        sign < 0 ? -self : self
    }
}

/// The wide form of an `ExactDecimal`: sign, a 128-bit magnitude and a decimal scale.
// INVARIANT: magnitude is non-zero, has at most 38 digits and no trailing decimal zero.
@usableFromInline
struct WideDecimal: Sendable, Hashable {
    @usableFromInline var negative: Bool
    @usableFromInline var high: UInt64
    @usableFromInline var low: UInt64
    @usableFromInline var scale: Int32

    var magnitude: BigUInt { BigUInt(high: high, low: low) }
}

extension ExactDecimal: Hashable {
    /// Hashes the canonical form, so that equal values of different scales hash alike.
    public func hash(into hasher: inout Hasher) {
        switch storage {
        case .small(var mantissa, var scale):
            if mantissa == 0 { scale = 0 }
            while scale > 0 && mantissa % 10 == 0 {
                mantissa /= 10
                scale -= 1
            }
            hasher.combine(mantissa)
            hasher.combine(scale)
        case .wide(let wide):
            hasher.combine(wide)
        }
    }
}
