/// INTERIM: a calendar date as days since 1970-01-01 (Hinnant's algorithms),
/// standing in until the full implementation lands. Same API.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) { self.daysSinceEpoch = daysSinceEpoch }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year: year, month: month) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        daysSinceEpoch = Int32(era * 146097 + doe - 719468)
    }

    var parts: (Int, Int, Int) {
        let z = Int(daysSinceEpoch) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { parts.0 }
    public var month: Int { parts.1 }
    public var day: Int { parts.2 }
    public var weekday: Int { let w = (Int(daysSinceEpoch) % 7 + 7 + 3) % 7; return w + 1 }

    public static func isLeapYear(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }
    public static func daysInMonth(year: Int, month: Int) -> Int {
        [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    public func adding(days: Int) -> CivilDate? {
        let n = Int(daysSinceEpoch) + days
        guard n >= -719162, n <= 2932896 else { return nil }
        return CivilDate(daysSinceEpoch: Int32(n))
    }

    public func adding(months: Int) -> CivilDate? {
        let (y, m, d) = parts
        let total = y * 12 + (m - 1) + months
        let ny = total / 12, nm = total % 12 + 1
        guard (1...9999).contains(ny) else { return nil }
        return CivilDate(year: ny, month: nm, day: min(d, Self.daysInMonth(year: ny, month: nm)))
    }

    public func days(since other: CivilDate) -> Int { Int(daysSinceEpoch) - Int(other.daysSinceEpoch) }

    public func nextAnniversary(onOrAfter asOf: CivilDate) -> CivilDate {
        let (_, m, d) = parts
        func on(_ y: Int) -> CivilDate? {
            CivilDate(year: y, month: m, day: (m == 2 && d == 29 && !Self.isLeapYear(y)) ? 28 : d)
        }
        if let this = on(asOf.year), this >= asOf { return this }
        return on(asOf.year + 1) ?? asOf
    }

    public var iso: String {
        let (y, m, d) = parts
        func pad(_ v: Int, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
    public var description: String { iso }
    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    public init?(isoUTF8 b: UnsafeBufferPointer<UInt8>) {
        guard b.count == 10, b[4] == 45, b[7] == 45 else { return nil }
        var v = [0, 0, 0]
        for (k, r) in [(0, 0..<4), (1, 5..<7), (2, 8..<10)] {
            for i in r { guard b[i] >= 48, b[i] <= 57 else { return nil }; v[k] = v[k] * 10 + Int(b[i] - 48) }
        }
        self.init(year: v[0], month: v[1], day: v[2])
    }
    public init?(iso text: String) {
        var t = text
        guard let d = t.withUTF8({ CivilDate(isoUTF8: $0) }) else { return nil }
        self = d
    }
}

/// INTERIM: a date pattern of d dd M MM yy yyyy and separators.
public struct DatePattern: Sendable, Hashable {
    enum Piece: Hashable { case day(Int), month(Int), year(Int), literal(UInt8) }
    let pieces: [Piece]
    public let text: String
    public static let iso = DatePattern("yyyy-MM-dd")!

    public init?(_ pattern: String) {
        text = pattern
        var pieces: [Piece] = []
        let b = Array(pattern.utf8)
        var i = 0
        var seen = Set<String>()
        while i < b.count {
            let c = b[i]
            var j = i
            while j < b.count, b[j] == c { j += 1 }
            let n = j - i
            switch c {
            case UInt8(ascii: "d"): guard n <= 2, seen.insert("d").inserted else { return nil }; pieces.append(.day(n))
            case UInt8(ascii: "M"): guard n <= 2, seen.insert("M").inserted else { return nil }; pieces.append(.month(n))
            case UInt8(ascii: "y"): guard n == 2 || n == 4, seen.insert("y").inserted else { return nil }; pieces.append(.year(n))
            default:
                if (c >= 65 && c <= 90) || (c >= 97 && c <= 122) { return nil }
                for _ in 0..<n { pieces.append(.literal(c)) }
            }
            i = j
        }
        guard seen.count == 3 else { return nil }
        self.pieces = pieces
    }

    public func parse(_ b: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        var i = 0
        var y = 0, m = 0, d = 0
        func number(min: Int, max: Int) -> Int? {
            var v = 0, n = 0
            while i < b.count, n < max, b[i] >= 48, b[i] <= 57 { v = v * 10 + Int(b[i] - 48); i += 1; n += 1 }
            return n >= min ? v : nil
        }
        for p in pieces {
            switch p {
            case .day(let n): guard let v = number(min: n, max: 2) else { return nil }; d = v
            case .month(let n): guard let v = number(min: n, max: 2) else { return nil }; m = v
            case .year(let n): guard let v = number(min: n, max: n) else { return nil }; y = n == 2 ? (v < 50 ? 2000 + v : 1900 + v) : v
            case .literal(let c): guard i < b.count, b[i] == c else { return nil }; i += 1
            }
        }
        guard i == b.count else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }
}
