// Fast paths are inlinable so that callers in other modules (the evaluator, aggregates)
// get plain Int64 instructions; anything that overflows goes to the general paths in
// ExactDecimal+Wide.swift, which are deliberately not inlined.

extension ExactDecimal {
    /// Exact sum (rounded half-even only beyond 38 significant digits).
    @inlinable
    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        if case .small(let a, let sa) = lhs.storage, case .small(let b, let sb) = rhs.storage {
            if sa == sb {
                let (sum, overflow) = a.addingReportingOverflow(b)
                if !overflow { return ExactDecimal(storage: .small(mantissa: sum, scale: sa)) }
            } else if let (x, y, scale) = aligned(a, sa, b, sb) {
                let (sum, overflow) = x.addingReportingOverflow(y)
                if !overflow { return ExactDecimal(storage: .small(mantissa: sum, scale: scale)) }
            }
        }
        return generalAddEntry(lhs, rhs)
    }

    /// Exact difference.
    @inlinable
    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        if case .small(let a, let sa) = lhs.storage, case .small(let b, let sb) = rhs.storage {
            if sa == sb {
                let (difference, overflow) = a.subtractingReportingOverflow(b)
                if !overflow { return ExactDecimal(storage: .small(mantissa: difference, scale: sa)) }
            } else if let (x, y, scale) = aligned(a, sa, b, sb) {
                let (difference, overflow) = x.subtractingReportingOverflow(y)
                if !overflow { return ExactDecimal(storage: .small(mantissa: difference, scale: scale)) }
            }
        }
        return generalAddEntry(lhs, -rhs)
    }

    /// Exact negation.
    @inlinable
    public static prefix func - (operand: ExactDecimal) -> ExactDecimal {
        switch operand.storage {
        case .small(let mantissa, let scale):
            let (negated, overflow) = Int64(0).subtractingReportingOverflow(mantissa)
            if !overflow { return ExactDecimal(storage: .small(mantissa: negated, scale: scale)) }
            return negateEntry(operand)
        case .wide:
            // Through `make`: +2^63 is wide but -2^63 has a fast form.
            return negateEntry(operand)
        }
    }

    /// Exact product (rounded half-even only beyond 38 significant digits).
    @inlinable
    public static func * (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        if case .small(let a, let sa) = lhs.storage, case .small(let b, let sb) = rhs.storage {
            let scale = sa &+ sb
            if scale <= maxSmallScale {
                let (product, overflow) = a.multipliedReportingOverflow(by: b)
                if !overflow { return ExactDecimal(storage: .small(mantissa: product, scale: scale)) }
            }
        }
        return generalMultiplyEntry(lhs, rhs)
    }

    /// Brings two fast-form mantissas to the larger scale; nil when that overflows.
    @inlinable
    static func aligned(_ a: Int64, _ sa: Int32, _ b: Int64, _ sb: Int32) -> (Int64, Int64, Int32)? {
        if sa < sb {
            let shift = Int(sb &- sa)
            guard shift < powersOfTen.count else { return nil }
            let (x, overflow) = a.multipliedReportingOverflow(by: powersOfTen[shift])
            return overflow ? nil : (x, b, sb)
        } else {
            let shift = Int(sa &- sb)
            guard shift < powersOfTen.count else { return nil }
            let (y, overflow) = b.multipliedReportingOverflow(by: powersOfTen[shift])
            return overflow ? nil : (a, y, sa)
        }
    }

    @usableFromInline
    static func generalAddEntry(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal { generalAdd(a, b) }

    @usableFromInline
    static func generalMultiplyEntry(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal { generalMultiply(a, b) }

    @usableFromInline
    static func negateEntry(_ a: ExactDecimal) -> ExactDecimal {
        var parts = a.parts
        parts.negative.toggle()
        return ExactDecimal(parts)
    }

    /// The quotient, or nil when dividing by zero. Exact when it terminates within 18
    /// significant digits (`10 / 4 = 2.5`), otherwise rounded half-even to 18 significant
    /// digits (`2 / 3 = 0.666666666666666667`).
    public func divided(by other: ExactDecimal) -> ExactDecimal? {
        if other.isZero { return nil }
        if case .small(let a, let sa) = storage, case .small(let b, let sb) = other.storage {
            return ExactDecimal.smallDivide(a, sa, b, sb)
        }
        return ExactDecimal.generalDivide(self, other)
    }

    /// Long division of two fast-form values, digit by digit, without allocating.
    // INVARIANT: b != 0.
    static func smallDivide(_ a: Int64, _ sa: Int32, _ b: Int64, _ sb: Int32) -> ExactDecimal {
        if a == 0 { return .zero }
        let negative = (a < 0) != (b < 0)
        let dividend = a.magnitude, divisor = b.magnitude
        var quotient = dividend / divisor
        var remainder = dividend % divisor
        var scale = Int(sa) - Int(sb)
        var digits = quotient == 0 ? 0 : decimalDigitCount(quotient)
        let wanted = divisionDigits
        if digits > wanted {
            // |a| <= 2^63 so at most one extra digit; round it away half-even.
            let drop = digits - wanted
            let unit = UInt64(powersOfTen[drop])
            let head = quotient / unit, tail = quotient % unit
            let half = unit / 2
            let roundUp = tail > half || (tail == half && (remainder != 0 || head & 1 == 1))
            quotient = roundUp ? head + 1 : head
            scale -= drop
            remainder = 0
        }
        while remainder != 0 && digits < wanted {
            // remainder < divisor, so remainder * 10 / divisor is a single digit.
            let (digit, rest) = divisor.dividingFullWidth(remainder.multipliedFullWidth(by: 10))
            quotient = quotient * 10 + digit
            remainder = rest
            scale += 1
            if digits > 0 || digit != 0 { digits += 1 }
        }
        if remainder != 0 {
            let (digit, rest) = divisor.dividingFullWidth(remainder.multipliedFullWidth(by: 10))
            if digit > 5 || (digit == 5 && (rest != 0 || quotient & 1 == 1)) { quotient += 1 }
        }
        // INVARIANT: quotient <= 10^18, which fits Int64 with either sign.
        let mantissa = negative ? -Int64(quotient) : Int64(quotient)
        return ExactDecimal(mantissa: mantissa, scale: scale)
    }

    static func decimalDigitCount(_ value: UInt64) -> Int {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }

    /// Rounds half away from zero to `places` fractional digits: 2.345 → 2.35, -2.345 → -2.35,
    /// 2.5 with 0 places → 3. Negative places round to tens, hundreds...: 1250 with -2 → 1300.
    public func rounded(places: Int) -> ExactDecimal {
        // Clamped so the scale arithmetic below cannot overflow; no value is that fine anyway.
        let places = min(max(places, -2 * ExactDecimal.scaleLimit), 2 * ExactDecimal.scaleLimit)
        if case .small(let mantissa, let scale) = storage {
            if Int(scale) <= places { return self }
            let dropped = Int(scale) - places
            if dropped < ExactDecimal.powersOfTen.count {
                let unit = ExactDecimal.powersOfTen[dropped]
                var quotient = mantissa / unit
                let remainder = mantissa % unit
                // |remainder| < 10^18, so doubling it cannot overflow.
                if remainder.magnitude * 2 >= unit.magnitude { quotient += mantissa < 0 ? -1 : 1 }
                return ExactDecimal(mantissa: quotient, scale: places)
            }
        }
        return ExactDecimal.generalRound(self, places: places)
    }
}
