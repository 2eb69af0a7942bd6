// The slow, general paths of ExactDecimal: sign + arbitrary magnitude + scale, computed
// exactly and then rounded half-even to 38 significant digits. Only reached when the fast
// Int64 path overflows, so clarity wins over speed here.

/// A value taken apart for the general paths: (-1)^negative × magnitude / 10^scale.
struct DecimalParts {
    var negative: Bool
    var magnitude: BigUInt
    var scale: Int

    var isZero: Bool { magnitude.isZero }

    /// The power of ten of the most significant digit (e.g. 2 for 345, -2 for 0.0345).
    var leadingExponent: Int { magnitude.decimalDigitCount - 1 - scale }
}

extension ExactDecimal {
    var parts: DecimalParts {
        switch storage {
        case .small(let mantissa, let scale):
            return DecimalParts(negative: mantissa < 0, magnitude: BigUInt(mantissa.magnitude), scale: Int(scale))
        case .wide(let wide):
            return DecimalParts(negative: wide.negative, magnitude: wide.magnitude, scale: Int(wide.scale))
        }
    }

    init(_ parts: DecimalParts) {
        self = ExactDecimal.make(negative: parts.negative, magnitude: parts.magnitude, scale: parts.scale)
    }

    /// The one door into the wide form: rounds to 38 digits, strips trailing zeros, clamps
    /// the scale and moves the value back to the fast form whenever it fits there.
    static func make(negative: Bool, magnitude: BigUInt, scale: Int) -> ExactDecimal {
        if magnitude.isZero { return .zero }
        var magnitude = magnitude
        var scale = scale
        let digits = magnitude.decimalDigitCount
        if digits > maxDigits {
            let dropped = digits - maxDigits
            magnitude = roundHalfEven(magnitude, droppingDigits: dropped)
            scale -= dropped
        }
        // A carry can leave 10^38, which is 39 digits but ends in zeros stripped below.
        while true {
            var quotient = magnitude
            guard quotient.divide(by: 10) == 0 else { break }
            magnitude = quotient
            scale -= 1
        }
        if scale > scaleLimit { return .zero }
        if scale < -scaleLimit {
            magnitude = BigUInt.powerOfTen(maxDigits) - BigUInt(1)
            scale = -scaleLimit
        }
        if let small = smallForm(negative: negative, magnitude: magnitude, scale: scale) { return small }
        // INVARIANT: magnitude < 10^38 < 2^127, so it has a 128-bit form.
        let (high, low) = magnitude.uint128Value ?? (0, 0)
        return ExactDecimal(storage: .wide(WideDecimal(negative: negative, high: high, low: low, scale: Int32(scale))))
    }

    private static func smallForm(negative: Bool, magnitude: BigUInt, scale: Int) -> ExactDecimal? {
        guard var value = magnitude.uint64Value else { return nil }
        var scale = scale
        if scale < 0 {
            guard -scale <= 18 else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: UInt64(powersOfTen[-scale]))
            guard !overflow else { return nil }
            value = product
            scale = 0
        }
        guard scale <= Int(maxSmallScale) else { return nil }
        let limit = negative ? UInt64(1) << 63 : UInt64(Int64.max)
        guard value <= limit else { return nil }
        let mantissa = negative ? Int64(truncatingIfNeeded: 0 &- value) : Int64(value)
        return ExactDecimal(storage: .small(mantissa: mantissa, scale: Int32(scale)))
    }

    /// `magnitude / 10^dropped`, rounded half to even.
    static func roundHalfEven(_ magnitude: BigUInt, droppingDigits dropped: Int) -> BigUInt {
        let divisor = BigUInt.powerOfTen(dropped)
        guard let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: divisor) else { return magnitude }
        let twice = remainder + remainder
        let comparison = BigUInt.compare(twice, divisor)
        if comparison > 0 || (comparison == 0 && quotient.isOdd) { return quotient + BigUInt(1) }
        return quotient
    }

    static func generalAdd(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal {
        let x = a.parts, y = b.parts
        if x.isZero { return b }
        if y.isZero { return a }
        // When one operand is more than 40 decades below the other it lies under half an ulp
        // of the 38-digit result, so the sum rounds back to the larger operand. This also
        // keeps the alignment below from building numbers with millions of digits.
        let gap = x.leadingExponent - y.leadingExponent
        if gap > 40 { return a }
        if gap < -40 { return b }
        let scale = max(x.scale, y.scale)
        var mx = x.magnitude, my = y.magnitude
        mx.multiplyByPowerOfTen(scale - x.scale)
        my.multiplyByPowerOfTen(scale - y.scale)
        if x.negative == y.negative { return make(negative: x.negative, magnitude: mx + my, scale: scale) }
        let order = BigUInt.compare(mx, my)
        if order == 0 { return .zero }
        return order > 0
            ? make(negative: x.negative, magnitude: mx - my, scale: scale)
            : make(negative: y.negative, magnitude: my - mx, scale: scale)
    }

    static func generalMultiply(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal {
        let x = a.parts, y = b.parts
        return make(negative: x.negative != y.negative, magnitude: x.magnitude * y.magnitude, scale: x.scale + y.scale)
    }

    /// Significant digits of a quotient that does not terminate sooner.
    static let divisionDigits = 18

    // INVARIANT: b is not zero (checked by `divided(by:)`).
    static func generalDivide(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal {
        let x = a.parts, y = b.parts
        if x.isZero || y.isZero { return .zero }
        // Scale the dividend so the integer quotient has at least 19 digits plus a guard digit;
        // the remainder then only decides rounding ("sticky").
        let shift = max(0, divisionDigits + 2 + y.magnitude.decimalDigitCount - x.magnitude.decimalDigitCount)
        var dividend = x.magnitude
        dividend.multiplyByPowerOfTen(shift)
        guard let (quotient, remainder) = dividend.quotientAndRemainder(dividingBy: y.magnitude) else { return .zero }
        var q = quotient
        var scale = x.scale - y.scale + shift
        let digits = q.decimalDigitCount
        if digits > divisionDigits {
            let dropped = digits - divisionDigits
            let divisor = BigUInt.powerOfTen(dropped)
            if let (head, tail) = q.quotientAndRemainder(dividingBy: divisor) {
                let order = BigUInt.compare(tail + tail, divisor)
                let exactHalf = order == 0 && remainder.isZero
                let roundUp = order > 0 || (order == 0 && !remainder.isZero) || (exactHalf && head.isOdd)
                q = roundUp ? head + BigUInt(1) : head
                scale -= dropped
            }
        }
        return make(negative: x.negative != y.negative, magnitude: q, scale: scale)
    }

    static func generalCompare(_ a: ExactDecimal, _ b: ExactDecimal) -> Int {
        let signA = a.sign, signB = b.sign
        if signA != signB { return signA < signB ? -1 : 1 }
        if signA == 0 { return 0 }
        let x = a.parts, y = b.parts
        let order: Int
        if x.leadingExponent != y.leadingExponent {
            order = x.leadingExponent < y.leadingExponent ? -1 : 1
        } else {
            // Same leading decade and at most 38 digits each: the alignment stays small.
            let scale = max(x.scale, y.scale)
            var mx = x.magnitude, my = y.magnitude
            mx.multiplyByPowerOfTen(scale - x.scale)
            my.multiplyByPowerOfTen(scale - y.scale)
            order = BigUInt.compare(mx, my)
        }
        return signA < 0 ? -order : order
    }

    /// Rounds half away from zero to `places` fractional digits (negative: tens, hundreds...).
    static func generalRound(_ value: ExactDecimal, places: Int) -> ExactDecimal {
        let x = value.parts
        if x.isZero || x.scale <= places { return value }
        let dropped = x.scale - places
        if dropped > x.magnitude.decimalDigitCount { return .zero }
        let divisor = BigUInt.powerOfTen(dropped)
        guard let (quotient, remainder) = x.magnitude.quotientAndRemainder(dividingBy: divisor) else { return value }
        let roundUp = BigUInt.compare(remainder + remainder, divisor) >= 0
        return make(negative: x.negative, magnitude: roundUp ? quotient + BigUInt(1) : quotient, scale: places)
    }
}
