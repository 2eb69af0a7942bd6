extension ExactDecimal: CustomStringConvertible {
    /// The canonical shortest form: no exponent, no trailing fractional zeros, `0` for zero
    /// (never `-0`): `59.97`, `0.3`, `1000`, `-0.5`. Reading it back gives the same value.
    public var description: String {
        let (negative, digits, scale) = canonicalDigits
        return ExactDecimal.render(negative: negative, digits: digits, scale: scale, fractionDigits: max(scale, 0))
    }

    /// Rounded half away from zero to exactly `fractionDigits` decimals and padded with
    /// zeros: 59.97 → `59.97`, 3 → `3.00`, 2.345 → `2.35`. Negative counts are taken as 0;
    /// counts above 1000 as 1000.
    public func formatted(fractionDigits: Int) -> String {
        let places = min(max(fractionDigits, 0), 1000)
        let (negative, digits, scale) = rounded(places: places).canonicalDigits
        return ExactDecimal.render(negative: negative, digits: digits, scale: scale, fractionDigits: places)
    }

    /// The value as a percentage in canonical form: 0.15 → `15%`, 0.125 → `12.5%`, 1 → `100%`.
    public func percentText() -> String {
        // Times 100 is a scale shift, so it is exact even for wide values.
        var parts = self.parts
        parts.scale -= 2
        return ExactDecimal(parts).description + "%"
    }

    /// Sign, decimal digits of the magnitude (no trailing zeros when there is a fraction)
    /// and scale.
    private var canonicalDigits: (negative: Bool, digits: [UInt8], scale: Int) {
        switch storage {
        case .small(var mantissa, var scale):
            if mantissa == 0 { return (false, [0], 0) }
            while scale > 0 && mantissa % 10 == 0 {
                mantissa /= 10
                scale -= 1
            }
            var digits: [UInt8] = []
            digits.reserveCapacity(20)
            var rest = mantissa.magnitude
            repeat {
                digits.append(UInt8(rest % 10))
                rest /= 10
            } while rest != 0
            digits.reverse()
            return (mantissa < 0, digits, Int(scale))
        case .wide(let wide):
            return (wide.negative, wide.magnitude.decimalDigits, Int(wide.scale))
        }
    }

    /// Writes `digits / 10^scale` with exactly `fractionDigits` decimals.
    // INVARIANT: fractionDigits >= scale, so no digit is ever cut off here (rounding happened
    // before).
    private static func render(negative: Bool, digits: [UInt8], scale: Int, fractionDigits: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count + max(-scale, 0) + fractionDigits + 3)
        if negative && !(digits.count == 1 && digits[0] == 0) { bytes.append(UInt8(ascii: "-")) }
        let ascii = digits.map { $0 + 48 }
        if scale <= 0 {
            bytes.append(contentsOf: ascii)
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -scale))
            if fractionDigits > 0 {
                bytes.append(UInt8(ascii: "."))
                bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: fractionDigits))
            }
        } else {
            let integerCount = ascii.count - scale
            if integerCount > 0 {
                bytes.append(contentsOf: ascii[..<integerCount])
            } else {
                bytes.append(UInt8(ascii: "0"))
            }
            bytes.append(UInt8(ascii: "."))
            if integerCount < 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -integerCount)) }
            bytes.append(contentsOf: ascii[max(integerCount, 0)...])
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(fractionDigits - scale, 0)))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
