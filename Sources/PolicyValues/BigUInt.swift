/// An unsigned integer of any size, used only on the rare wide paths of `ExactDecimal`
/// (results that overflow `Int64`). Simple rather than fast: its operands never exceed a
/// few hundred bits, because every `ExactDecimal` holds at most 38 significant digits.
// INVARIANT: `limbs` is little-endian base 2^32 with no high zero limb; zero is `[]`.
struct BigUInt: Sendable, Hashable {
    var limbs: [UInt32]

    init() { limbs = [] }

    init(_ value: UInt64) {
        limbs = [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)]
        trim()
    }

    init(high: UInt64, low: UInt64) {
        limbs = [UInt32(truncatingIfNeeded: low), UInt32(truncatingIfNeeded: low >> 32),
                 UInt32(truncatingIfNeeded: high), UInt32(truncatingIfNeeded: high >> 32)]
        trim()
    }

    var isZero: Bool { limbs.isEmpty }

    private mutating func trim() {
        while let last = limbs.last, last == 0 { limbs.removeLast() }
    }

    /// The value as `UInt64`, or nil when it needs more bits.
    var uint64Value: UInt64? {
        switch limbs.count {
        case 0: return 0
        case 1: return UInt64(limbs[0])
        case 2: return UInt64(limbs[0]) | UInt64(limbs[1]) << 32
        default: return nil
        }
    }

    /// The value as two 64-bit halves, or nil when it needs more than 128 bits.
    var uint128Value: (high: UInt64, low: UInt64)? {
        guard limbs.count <= 4 else { return nil }
        var padded = limbs
        while padded.count < 4 { padded.append(0) }
        return (UInt64(padded[2]) | UInt64(padded[3]) << 32, UInt64(padded[0]) | UInt64(padded[1]) << 32)
    }

    var isOdd: Bool { (limbs.first ?? 0) & 1 == 1 }

    /// `self = self * factor + addend`.
    mutating func multiply(by factor: UInt32, adding addend: UInt32 = 0) {
        var carry = UInt64(addend)
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(factor) + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
        trim()
    }

    /// Divides in place and returns the remainder.
    // INVARIANT: divisor != 0 (callers pass constants such as 10 or 10^9).
    @discardableResult
    mutating func divide(by divisor: UInt32) -> UInt32 {
        guard divisor != 0 else { return 0 }
        var remainder: UInt64 = 0
        for index in limbs.indices.reversed() {
            let current = remainder << 32 | UInt64(limbs[index])
            limbs[index] = UInt32(truncatingIfNeeded: current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        trim()
        return UInt32(truncatingIfNeeded: remainder)
    }

    private static let smallPowersOfTen: [UInt32] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000,
                                                      10_000_000, 100_000_000, 1_000_000_000]

    mutating func multiplyByPowerOfTen(_ exponent: Int) {
        var left = exponent
        while left >= 9 {
            multiply(by: 1_000_000_000)
            left -= 9
        }
        if left > 0 { multiply(by: BigUInt.smallPowersOfTen[left]) }
    }

    static func powerOfTen(_ exponent: Int) -> BigUInt {
        var result = BigUInt(1)
        result.multiplyByPowerOfTen(exponent)
        return result
    }

    static func compare(_ a: BigUInt, _ b: BigUInt) -> Int {
        if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count ? -1 : 1 }
        for index in a.limbs.indices.reversed() where a.limbs[index] != b.limbs[index] {
            return a.limbs[index] < b.limbs[index] ? -1 : 1
        }
        return 0
    }

    static func + (a: BigUInt, b: BigUInt) -> BigUInt {
        var result = BigUInt()
        result.limbs.reserveCapacity(max(a.limbs.count, b.limbs.count) + 1)
        var carry: UInt64 = 0
        for index in 0..<max(a.limbs.count, b.limbs.count) {
            let sum = UInt64(index < a.limbs.count ? a.limbs[index] : 0)
                + UInt64(index < b.limbs.count ? b.limbs[index] : 0) + carry
            result.limbs.append(UInt32(truncatingIfNeeded: sum))
            carry = sum >> 32
        }
        if carry != 0 { result.limbs.append(UInt32(carry)) }
        result.trim()
        return result
    }

    /// `a - b`.
    // INVARIANT: a >= b; callers compare first. If not, the result wraps instead of trapping.
    static func - (a: BigUInt, b: BigUInt) -> BigUInt {
        var result = a
        var borrow: Int64 = 0
        for index in result.limbs.indices {
            var difference = Int64(result.limbs[index]) - Int64(index < b.limbs.count ? b.limbs[index] : 0) - borrow
            if difference < 0 {
                difference += 1 << 32
                borrow = 1
            } else {
                borrow = 0
            }
            result.limbs[index] = UInt32(truncatingIfNeeded: difference)
        }
        result.trim()
        return result
    }

    static func * (a: BigUInt, b: BigUInt) -> BigUInt {
        if a.isZero || b.isZero { return BigUInt() }
        var product = [UInt32](repeating: 0, count: a.limbs.count + b.limbs.count)
        for i in a.limbs.indices {
            var carry: UInt64 = 0
            for j in b.limbs.indices {
                let t = UInt64(a.limbs[i]) * UInt64(b.limbs[j]) + UInt64(product[i + j]) + carry
                product[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            product[i + b.limbs.count] = UInt32(truncatingIfNeeded: carry)
        }
        var result = BigUInt()
        result.limbs = product
        result.trim()
        return result
    }

    private var bitWidth: Int {
        guard let last = limbs.last else { return 0 }
        return (limbs.count - 1) * 32 + (32 - last.leadingZeroBitCount)
    }

    private func bit(_ index: Int) -> Bool {
        (limbs[index >> 5] >> UInt32(index & 31)) & 1 == 1
    }

    /// Quotient and remainder by schoolbook binary long division; nil for a zero divisor.
    func quotientAndRemainder(dividingBy divisor: BigUInt) -> (quotient: BigUInt, remainder: BigUInt)? {
        if divisor.isZero { return nil }
        if divisor.limbs.count == 1 {
            var quotient = self
            let remainder = quotient.divide(by: divisor.limbs[0])
            return (quotient, BigUInt(UInt64(remainder)))
        }
        if BigUInt.compare(self, divisor) < 0 { return (BigUInt(), self) }
        var quotientLimbs = [UInt32](repeating: 0, count: limbs.count)
        var remainder = BigUInt()
        for index in stride(from: bitWidth - 1, through: 0, by: -1) {
            remainder.shiftLeftOne(settingLowBit: bit(index))
            if BigUInt.compare(remainder, divisor) >= 0 {
                remainder = remainder - divisor
                quotientLimbs[index >> 5] |= 1 << UInt32(index & 31)
            }
        }
        var quotient = BigUInt()
        quotient.limbs = quotientLimbs
        quotient.trim()
        return (quotient, remainder)
    }

    private mutating func shiftLeftOne(settingLowBit low: Bool) {
        var carry: UInt32 = low ? 1 : 0
        for index in limbs.indices {
            let next = limbs[index] >> 31
            limbs[index] = limbs[index] << 1 | carry
            carry = next
        }
        if carry != 0 { limbs.append(carry) }
    }

    /// Decimal digits, most significant first; `[0]` for zero.
    var decimalDigits: [UInt8] {
        if isZero { return [0] }
        var chunks: [UInt32] = []
        var rest = self
        while !rest.isZero { chunks.append(rest.divide(by: 1_000_000_000)) }
        var digits: [UInt8] = []
        digits.reserveCapacity(chunks.count * 9)
        for (position, chunk) in chunks.reversed().enumerated() {
            var chunkDigits: [UInt8] = []
            var value = chunk
            repeat {
                chunkDigits.append(UInt8(value % 10))
                value /= 10
            } while value != 0
            // Inner chunks are zero-padded to 9 digits; the leading one is not.
            if position > 0 { while chunkDigits.count < 9 { chunkDigits.append(0) } }
            digits.append(contentsOf: chunkDigits.reversed())
        }
        return digits
    }

    var decimalDigitCount: Int { isZero ? 1 : decimalDigits.count }
}
