import Foundation

/// INTERIM: an exact decimal on Foundation's `Decimal` (38 digits), standing in until
/// the scaled-integer implementation lands. Same API, same results, slower.
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    var d: Decimal

    public static let zero = ExactDecimal(0)
    public static let one = ExactDecimal(1)

    public init(_ value: Int) { d = Decimal(value) }
    public init(mantissa: Int64, scale: Int) { d = Decimal(sign: mantissa < 0 ? .minus : .plus, exponent: -scale, significand: Decimal(mantissa.magnitude)) }
    init(_ d: Decimal) { self.d = d }

    public init?(_ text: String) { self.init(Substring(text)) }
    public init?(_ text: Substring) {
        var s = Array(text.utf8)
        guard !s.isEmpty else { return nil }
        var negative = false
        if s[0] == UInt8(ascii: "-") { negative = true; s.removeFirst() }
        var digits: [UInt8] = []
        var seenDot = false, lastWasDigit = false, fraction = 0
        for (i, c) in s.enumerated() {
            if c >= 48 && c <= 57 { digits.append(c); lastWasDigit = true; if seenDot { fraction += 1 } }
            else if c == UInt8(ascii: "_") { guard lastWasDigit, i + 1 < s.count, s[i + 1] >= 48, s[i + 1] <= 57 else { return nil }; lastWasDigit = false }
            else if c == UInt8(ascii: ".") { guard !seenDot, lastWasDigit, i + 1 < s.count else { return nil }; seenDot = true; lastWasDigit = false }
            else { return nil }
        }
        guard !digits.isEmpty, lastWasDigit else { return nil }
        guard var value = Decimal(string: String(decoding: digits, as: UTF8.self), locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        var scaled = Decimal()
        NSDecimalMultiplyByPowerOf10(&scaled, &value, Int16(-fraction), .plain)
        d = negative ? -scaled : scaled
    }

    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        self.init(String(decoding: bytes, as: UTF8.self))
    }

    /// A spreadsheet cell: spaces, a sign, a currency sign, thousands separators.
    public static func parseLenient(_ bytes: UnsafeBufferPointer<UInt8>) -> ExactDecimal? {
        var scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        func trim() {
            while let f = scalars.first, f == " " || f == "\t" { scalars.removeFirst() }
            while let l = scalars.last, l == " " || l == "\t" { scalars.removeLast() }
        }
        trim()
        var negative = false
        let currency: Set<Unicode.Scalar> = ["$", "£", "€", "¥", "￥"]
        var sawSign = false, sawCurrency = false
        while let f = scalars.first {
            if (f == "-" || f == "+") && !sawSign { sawSign = true; negative = f == "-"; scalars.removeFirst(); trim() }
            else if currency.contains(f) && !sawCurrency { sawCurrency = true; scalars.removeFirst(); trim() }
            else { break }
        }
        var text = String(String.UnicodeScalarView(scalars))
        if text.contains(",") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return nil }
            let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
            guard let first = groups.first, (1...3).contains(first.count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
            text = groups.joined() + (parts.count == 2 ? "." + parts[1] : "")
        }
        guard !text.contains("_"), let value = ExactDecimal(text) else { return nil }
        return negative ? -value : value
    }

    public static func + (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal { ExactDecimal(a.d + b.d) }
    public static func - (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal { ExactDecimal(a.d - b.d) }
    public static func * (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal { ExactDecimal(a.d * b.d) }
    public static prefix func - (a: ExactDecimal) -> ExactDecimal { ExactDecimal(-a.d) }
    public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool { a.d < b.d }
    public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool { a.d == b.d }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    public func divided(by other: ExactDecimal) -> ExactDecimal? {
        guard !other.d.isZero else { return nil }
        var q = d / other.d
        var r = Decimal()
        // 18 significant digits, half-even.
        let magnitude = q.isZero ? 0 : Int((NSDecimalNumber(decimal: abs(q)).doubleValue).magnitude.rounded(.down) == 0 ? -Int(floor(log10(NSDecimalNumber(decimal: abs(q)).doubleValue))) : -Int(floor(log10(NSDecimalNumber(decimal: abs(q)).doubleValue))))
        NSDecimalRound(&r, &q, 17 + magnitude, .bankers)
        return ExactDecimal(r)
    }

    public var magnitude: ExactDecimal { ExactDecimal(abs(d)) }
    public var isZero: Bool { d.isZero }
    public var sign: Int { d.isZero ? 0 : (d < 0 ? -1 : 1) }
    public var isInteger: Bool { rounded(places: 0) == self }
    public var intValue: Int? { isInteger && abs(d) < Decimal(Int.max / 2) ? NSDecimalNumber(decimal: d).intValue : nil }
    public var doubleValue: Double { NSDecimalNumber(decimal: d).doubleValue }

    public func rounded(places: Int) -> ExactDecimal {
        var source = abs(d)
        var r = Decimal()
        NSDecimalRound(&r, &source, places, .plain)
        return ExactDecimal(d < 0 ? -r : r)
    }

    public var description: String {
        if d.isZero { return "0" }
        var s = NSDecimalNumber(decimal: d).description(withLocale: Locale(identifier: "en_US_POSIX"))
        if s.contains("."), !s.contains("e") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    public func formatted(fractionDigits: Int) -> String {
        let r = rounded(places: fractionDigits)
        var s = r.description
        if s == "-0" { s = "0" }
        guard fractionDigits > 0 else { return s }
        if let dot = s.firstIndex(of: ".") {
            let have = s.distance(from: dot, to: s.endIndex) - 1
            return s + String(repeating: "0", count: fractionDigits - have)
        }
        return s + "." + String(repeating: "0", count: fractionDigits)
    }

    public func percentText() -> String { (self * ExactDecimal(100)).description + "%" }
}
