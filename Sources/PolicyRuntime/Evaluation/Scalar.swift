import PolicyValues

/// A value as the evaluator holds it: 16 bytes and no references, so that
/// passing one around costs no reference counting. The common kinds are stored
/// inline; a rank stays the fraction `AggregateColumn` keeps; anything else (text,
/// durations, numbers too wide for an `Int64` mantissa) is a `Value` in a box: the
/// program's constant pool or the current customer's scratch values.
///
/// Every scalar stands for exactly one `Value` (`Evaluator.value(of:)`), so the
/// evaluator can hand any case it has no shortcut for to the general code.
struct Scalar {
    enum Kind: UInt8 {
        case none, bool, decimal, date, label
        /// `bits / extra`: a `percent_rank`.
        case ratio
        /// A `Value` in the constant pool (`scale` 0) or the customer's scratch values (`scale` 1).
        case boxed
        /// The text of an order's cell, read where it is kept: `extra` the text column of
        /// the orders' table, `bits` the order's row (never none: an empty cell is `none`).
        case orderText
    }

    var kind: Kind
    /// A decimal's scale (0...38); a box's place.
    var scale: Int8
    /// A ratio's denominator.
    var extra: Int32
    /// 0/1 for a bool, the mantissa of a decimal, the days of a date, a label's index,
    /// a ratio's numerator, a box's index.
    var bits: Int64

    static let none = Scalar(kind: .none, scale: 0, extra: 0, bits: 0)
    static let `true` = Scalar(kind: .bool, scale: 0, extra: 0, bits: 1)
    static let `false` = Scalar(kind: .bool, scale: 0, extra: 0, bits: 0)

    @inline(__always) static func bool(_ b: Bool) -> Scalar { b ? .true : .false }

    @inline(__always) static func decimal(_ mantissa: Int64, scale: Int8) -> Scalar {
        Scalar(kind: .decimal, scale: scale, extra: 0, bits: mantissa)
    }

    @inline(__always) static func date(_ days: Int32) -> Scalar {
        Scalar(kind: .date, scale: 0, extra: 0, bits: Int64(days))
    }

    @inline(__always) static func label(_ index: Int) -> Scalar {
        Scalar(kind: .label, scale: 0, extra: 0, bits: Int64(index))
    }

    @inline(__always) static func ratio(_ numerator: Int32, over denominator: Int32) -> Scalar {
        Scalar(kind: .ratio, scale: 0, extra: denominator, bits: Int64(numerator))
    }

    @inline(__always) var isNone: Bool { kind == .none }

    /// The inline form of a value, when it has one (nil: it must be boxed).
    static func inline(_ value: Value) -> Scalar? {
        switch value {
        case .none: return Scalar.none
        case .bool(let b): return .bool(b)
        case .date(let d): return .date(d.daysSinceEpoch)
        case .label(let i): return .label(i)
        case .number(let n):
            guard let (m, s) = n.smallParts else { return nil }
            return .decimal(m, scale: Int8(s))
        case .text, .duration: return nil
        }
    }

    /// The value of an inline scalar (not a box: see `Evaluator.value(of:)`).
    var inlineValue: Value {
        switch kind {
        case .none, .boxed, .orderText: return .none
        case .bool: return .bool(bits != 0)
        case .decimal: return .number(ExactDecimal(smallMantissa: bits, scale: Int32(scale)))
        case .date: return .date(CivilDate(daysSinceEpoch: Int32(truncatingIfNeeded: bits)))
        case .label: return .label(Int(bits))
        case .ratio: return AggregateColumn.rank(numerator: Int32(truncatingIfNeeded: bits), denominator: extra)
        }
    }
}

extension Scalar {
    /// Appends a decimal with exactly two decimals, as `ExactDecimal.formatted(fractionDigits: 2)`
    /// prints it (`-5.00`, `0.50`, `1234.56`), without building a string; false (nothing
    /// appended) when this is no decimal of at most two decimals that fits once scaled.
    func appendMoney(into text: inout [UInt8]) -> Bool {
        guard kind == .decimal, scale >= 0, scale <= 2 else { return false }
        let (cents, overflow) = bits.multipliedReportingOverflow(by: scale == 0 ? 100 : (scale == 1 ? 10 : 1))
        guard !overflow else { return false }
        var magnitude = cents.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            // At least three digits: `0.05` has its leading zero.
            repeat {
                buffer[count] = UInt8(magnitude % 10) + 48
                magnitude /= 10
                count += 1
            } while magnitude != 0 || count < 3
            if cents < 0 { text.append(UInt8(ascii: "-")) }
            for i in stride(from: count - 1, through: 0, by: -1) {
                if i == 1 { text.append(UInt8(ascii: ".")) }
                text.append(buffer[i])
            }
        }
        return true
    }
}
