// Two readers share one digit accumulator: the strict literal syntax of the language and
// the lenient one used for spreadsheet cells. Both work on raw UTF-8 bytes so that reading a
// CSV cell allocates nothing; only numbers of more than 19 significant digits take a second,
// allocating pass.

/// Collects up to 19 significant digits into a `UInt64`; flags anything longer.
struct DecimalDigitAccumulator {
    var mantissa: UInt64 = 0
    var significantDigits = 0
    var scale = 0
    var tooLong = false

    @inline(__always)
    mutating func push(_ digit: UInt8, fractional: Bool) {
        if fractional { scale += 1 }
        if significantDigits == 0 && digit == 0 { return }
        significantDigits += 1
        // 19 digits always fit a UInt64 (< 1.8 × 10^19).
        if significantDigits > 19 {
            tooLong = true
            return
        }
        mantissa = mantissa &* 10 &+ UInt64(digit)
    }

    /// The fast-form value, or nil when the digits need the wide form.
    func value(negative: Bool) -> ExactDecimal? {
        guard !tooLong, scale <= Int(ExactDecimal.maxSmallScale) else { return nil }
        let limit = negative ? UInt64(1) << 63 : UInt64(Int64.max)
        guard mantissa <= limit else { return nil }
        let signed = negative ? Int64(truncatingIfNeeded: 0 &- mantissa) : Int64(mantissa)
        return ExactDecimal(storage: .small(mantissa: signed, scale: Int32(scale)))
    }
}

@inline(__always)
private func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }

private let minus = UInt8(ascii: "-"), plus = UInt8(ascii: "+"), dot = UInt8(ascii: ".")
private let underscore = UInt8(ascii: "_"), comma = UInt8(ascii: ","), space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")

extension ExactDecimal {
    /// Reads a literal: `-?digits(.digits)?` with single `_` separators between digits
    /// (`1_000.50`). No exponent, spaces, `+` or leading/trailing dot; nil otherwise.
    public init?(_ text: String) {
        var text = text
        guard let value = text.withUTF8({ ExactDecimal(utf8: $0) }) else { return nil }
        self = value
    }

    /// Reads a literal from part of a string; the same syntax as `init?(_: String)`.
    public init?(_ text: Substring) {
        var text = text
        guard let value = text.withUTF8({ ExactDecimal(utf8: $0) }) else { return nil }
        self = value
    }

    /// Reads the number of a percent literal, `15` for `15%`, as the rate it stands for:
    /// a hundredth of it (0.15). The same syntax as `init?(_: String)`.
    public init?(percent text: String) {
        guard let value = ExactDecimal(text), let rate = value.divided(by: ExactDecimal(100)) else { return nil }
        self = rate
    }

    /// Reads a literal from raw UTF-8 bytes without allocating (for up to 19 significant
    /// digits); the same syntax as `init?(_: String)`.
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        let end = bytes.count
        guard end > 0 else { return nil }
        let negative = bytes[0] == minus
        var index = negative ? 1 : 0
        let bodyStart = index
        var digits = DecimalDigitAccumulator()
        guard ExactDecimal.scanDigitRun(bytes, &index, end, &digits, fractional: false) else { return nil }
        if index < end {
            guard bytes[index] == dot else { return nil }
            index += 1
            guard ExactDecimal.scanDigitRun(bytes, &index, end, &digits, fractional: true), index == end else { return nil }
        }
        self = digits.value(negative: negative)
            ?? ExactDecimal.readWide(bytes, from: bodyStart, to: end, negative: negative)
    }

    /// One or more digits with single underscores between them; stops at any other byte.
    private static func scanDigitRun(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, _ end: Int,
                                     _ digits: inout DecimalDigitAccumulator, fractional: Bool) -> Bool {
        guard index < end, isDigit(bytes[index]) else { return false }
        while index < end {
            let byte = bytes[index]
            if isDigit(byte) {
                digits.push(byte &- 48, fractional: fractional)
            } else if byte == underscore {
                guard index + 1 < end, isDigit(bytes[index + 1]) else { return false }
            } else {
                break
            }
            index += 1
        }
        return true
    }

    /// Reads a spreadsheet cell the way a person would: surrounding spaces and tabs are
    /// ignored; an optional `-` or `+` and an optional currency sign `$ £ € ¥ ￥` may come in
    /// either order before the digits (`-$5`, `$-5`, `$ 84,835.00`); `,` separates thousands,
    /// only in complete groups of three (`1,234,567.89`, not `12,34`). Anything else (empty,
    /// letters, two dots, exponents like `1e5`, a lone sign) is nil.
    public static func parseLenient(_ bytes: UnsafeBufferPointer<UInt8>) -> ExactDecimal? {
        if let plain = parsePlain(bytes) { return plain }
        return parseLenientInFull(bytes)
    }

    /// `parseLenient` without its shortcut for plain cells (tests compare the two).
    static func parseLenientInFull(_ bytes: UnsafeBufferPointer<UInt8>) -> ExactDecimal? {
        var start = 0, end = bytes.count
        while start < end && (bytes[start] == space || bytes[start] == tab) { start += 1 }
        while end > start && (bytes[end - 1] == space || bytes[end - 1] == tab) { end -= 1 }
        var index = start
        var negative = false, sawSign = false, sawCurrency = false
        while index < end {
            let byte = bytes[index]
            if !sawSign && (byte == minus || byte == plus) {
                sawSign = true
                negative = byte == minus
                index += 1
            } else if !sawCurrency, let length = currencySignLength(bytes, at: index, end: end) {
                sawCurrency = true
                index += length
                // People write "$ 300" and "¥ 300"; only a currency sign may be followed by spaces.
                while index < end && (bytes[index] == space || bytes[index] == tab) { index += 1 }
            } else {
                break
            }
        }
        let bodyStart = index
        guard index < end, isDigit(bytes[index]) else { return nil }
        var digits = DecimalDigitAccumulator()
        var groupLength = 0, sawComma = false
        while index < end {
            let byte = bytes[index]
            if isDigit(byte) {
                digits.push(byte &- 48, fractional: false)
                groupLength += 1
            } else if byte == comma {
                guard sawComma ? groupLength == 3 : (1...3).contains(groupLength) else { return nil }
                sawComma = true
                groupLength = 0
            } else {
                break
            }
            index += 1
        }
        if sawComma && groupLength != 3 { return nil }
        if index < end {
            guard bytes[index] == dot else { return nil }
            index += 1
            guard index < end else { return nil }
            while index < end {
                let byte = bytes[index]
                guard isDigit(byte) else { return nil }
                digits.push(byte &- 48, fractional: true)
                index += 1
            }
        }
        return digits.value(negative: negative)
            ?? readWide(bytes, from: bodyStart, to: end, negative: negative)
    }

    /// The commonest cells in one pass: digits, with at most one `.` between digits,
    /// 18 bytes at most (so the mantissa fits); nil for anything else, which the full
    /// reading then takes. Gives exactly what the full reading gives.
    @inline(__always)
    static func parsePlain(_ bytes: UnsafeBufferPointer<UInt8>) -> ExactDecimal? {
        guard bytes.count > 0, bytes.count <= 18, isDigit(bytes[0]), isDigit(bytes[bytes.count - 1]) else { return nil }
        var mantissa: Int64 = 0, scale: Int32 = 0, sawDot = false
        for byte in bytes {
            if isDigit(byte) {
                mantissa = mantissa &* 10 &+ Int64(byte &- 48)
                if sawDot { scale += 1 }
            } else if byte == dot, !sawDot {
                sawDot = true
            } else {
                return nil
            }
        }
        return ExactDecimal(storage: .small(mantissa: mantissa, scale: scale))
    }

    /// The byte length of a currency sign at `index`, or nil.
    private static func currencySignLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Int? {
        let first = bytes[index]
        if first == UInt8(ascii: "$") { return 1 }
        if first == 0xC2, index + 1 < end, bytes[index + 1] == 0xA3 || bytes[index + 1] == 0xA5 { return 2 } // £ ¥
        if first == 0xE2, index + 2 < end, bytes[index + 1] == 0x82, bytes[index + 2] == 0xAC { return 3 } // €
        if first == 0xEF, index + 2 < end, bytes[index + 1] == 0xBF, bytes[index + 2] == 0xA5 { return 3 } // ￥
        return nil
    }

    /// Second pass for numbers too long for the fast form. Keeps 39 significant digits and
    /// folds the rest into a final sticky `1`, so the rounding to 38 digits in `make` sees
    /// exactly whether the dropped tail was below, at or above one half.
    // INVARIANT: bytes[start..<end] already passed a syntax check; digits and at most one `.`
    // matter, every other byte (`_`, `,`) is a separator.
    private static func readWide(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                                 negative: Bool) -> ExactDecimal {
        var magnitude = BigUInt()
        var kept = 0, scale = 0
        var fractional = false, sticky = false
        for index in start..<end {
            let byte = bytes[index]
            if byte == dot {
                fractional = true
                continue
            }
            guard isDigit(byte) else { continue }
            let digit = byte &- 48
            if kept == 0 && digit == 0 {
                if fractional { scale += 1 }
            } else if kept < maxDigits + 1 {
                magnitude.multiply(by: 10, adding: UInt32(digit))
                kept += 1
                if fractional { scale += 1 }
            } else {
                if digit != 0 { sticky = true }
                if !fractional { scale -= 1 }
            }
        }
        if sticky {
            magnitude.multiply(by: 10, adding: 1)
            scale += 1
        }
        return make(negative: negative, magnitude: magnitude, scale: scale)
    }
}
