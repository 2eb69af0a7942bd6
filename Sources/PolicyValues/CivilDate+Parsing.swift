// Date readers work on raw UTF-8 bytes so that reading a CSV cell allocates nothing. They
// are strict: the caller trims cells first.

@inline(__always)
private func digitValue(_ byte: UInt8) -> Int? {
    let value = byte &- 48
    return value < 10 ? Int(value) : nil
}

extension CivilDate {
    /// Reads exactly `YYYY-MM-DD` (`2026-11-22`); nil for other shapes (`2026-2-1`,
    /// `20261122`) and for days not on the calendar (`2026-02-30`, `2026-13-01`).
    public init?(isoUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        var fields = (0, 0, 0)
        for (index, byte) in bytes.enumerated() where index != 4 && index != 7 {
            guard let digit = digitValue(byte) else { return nil }
            switch index {
            case 0...3: fields.0 = fields.0 * 10 + digit
            case 5...6: fields.1 = fields.1 * 10 + digit
            default: fields.2 = fields.2 * 10 + digit
            }
        }
        self.init(year: fields.0, month: fields.1, day: fields.2)
    }

    /// Reads a date cell: `YYYY-MM-DD`, or an ISO date-time `YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]`
    /// whose time of day is checked, then dropped: the date as written, with no time-zone
    /// conversion (`2026-11-22T23:30:00-05:00` is 2026-11-22).
    public init?(isoDateTimeUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count >= 10, let date = CivilDate(isoUTF8: UnsafeBufferPointer(rebasing: bytes[0..<10])) else { return nil }
        guard bytes.count > 10 else {
            self = date
            return
        }
        /// Two digits at `i`, at most `limit`.
        func pair(_ i: Int, upTo limit: Int) -> Bool {
            guard i + 1 < bytes.count, let tens = digitValue(bytes[i]), let ones = digitValue(bytes[i + 1]) else { return false }
            return tens * 10 + ones <= limit
        }
        guard bytes[10] == UInt8(ascii: "T"), pair(11, upTo: 23), bytes.count > 13, bytes[13] == UInt8(ascii: ":"),
              pair(14, upTo: 59) else { return nil }
        var i = 16
        if i < bytes.count, bytes[i] == UInt8(ascii: ":") {
            guard pair(i + 1, upTo: 59) else { return nil }
            i += 3
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "Z") {
            i += 1
        } else if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            guard pair(i + 1, upTo: 23), i + 3 < bytes.count, bytes[i + 3] == UInt8(ascii: ":"), pair(i + 4, upTo: 59) else { return nil }
            i += 6
        }
        guard i == bytes.count else { return nil }
        self = date
    }

    /// Reads exactly `YYYY-MM-DD`; see `init?(isoUTF8:)`.
    public init?(iso text: String) {
        var text = text
        guard let date = text.withUTF8({ CivilDate(isoUTF8: $0) }) else { return nil }
        self = date
    }
}

/// How dates are written in a data file, e.g. `dd-MM-yyyy` or `M/d/yy`, compiled once and
/// then used to read every cell.
///
/// Tokens: `d` (day, 1 or 2 digits), `dd` (day, exactly 2), `M` (month, 1 or 2 digits), `MM`
/// (month, exactly 2), `yyyy` (year, exactly 4), `yy` (year, exactly 2, pivoting at 50:
/// `00`–`49` are 2000–2049 and `50`–`99` are 1950–1999). A time of day may follow: `H` (hour,
/// 1 or 2 digits) or `HH` (exactly 2), `mm` (minutes), `ss` (seconds); it is read and
/// checked (hours to 23, minutes and seconds to 59), then dropped: values are dates. Every
/// other character is a literal that must appear as written (`-`, `/`, `.`, `:`, space, or
/// non-ASCII such as `年`), except other ASCII letters, which are refused so that typos like
/// `MMM`, `yyy` or `h` are caught.
public struct DatePattern: Sendable, Hashable {
    enum Field: Hashable, Sendable {
        case day, month, year, hour, minute, second
    }

    enum Token: Hashable, Sendable {
        /// A number of `minDigits...maxDigits` digits for `field`.
        case number(Field, minDigits: Int, maxDigits: Int)
        /// Bytes that must match exactly.
        case literal([UInt8])
    }

    /// One step of reading a cell: a byte that must match, or a number. Plain values,
    /// so that reading a cell copies and counts no references.
    struct Step: Hashable, Sendable {
        /// nil: the literal `byte`.
        var field: Field?
        var byte: UInt8
        var minDigits: Int8
        var maxDigits: Int8
    }

    /// The pattern as written.
    public let text: String
    let tokens: [Token]
    /// The tokens as steps, a literal byte by byte (what `parse` walks).
    let steps: [Step]
    /// True when the year is written with two digits and needs the pivot.
    let shortYear: Bool

    /// `yyyy-MM-dd`.
    // INVARIANT: a constant, valid pattern; the unwrap cannot fail.
    public static let iso = DatePattern("yyyy-MM-dd")!

    /// Compiles a pattern; nil unless it has exactly one day, one month and one year token,
    /// at most one of each time token, and no other ASCII letters.
    public init?(_ pattern: String) {
        var tokens: [Token] = []
        var seen: Set<Field> = []
        var shortYear = false
        var literal: [UInt8] = []
        let characters = Array(pattern)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard "dMyHms".contains(character) else {
                if character.isASCII && character.isLetter { return nil }
                literal.append(contentsOf: Array(String(character).utf8))
                index += 1
                continue
            }
            var run = 1
            while index + run < characters.count && characters[index + run] == character { run += 1 }
            index += run
            let token: Token
            switch (character, run) {
            case ("d", 1): token = .number(.day, minDigits: 1, maxDigits: 2)
            case ("d", 2): token = .number(.day, minDigits: 2, maxDigits: 2)
            case ("M", 1): token = .number(.month, minDigits: 1, maxDigits: 2)
            case ("M", 2): token = .number(.month, minDigits: 2, maxDigits: 2)
            case ("y", 2):
                token = .number(.year, minDigits: 2, maxDigits: 2)
                shortYear = true
            case ("y", 4): token = .number(.year, minDigits: 4, maxDigits: 4)
            case ("H", 1): token = .number(.hour, minDigits: 1, maxDigits: 2)
            case ("H", 2): token = .number(.hour, minDigits: 2, maxDigits: 2)
            case ("m", 2): token = .number(.minute, minDigits: 2, maxDigits: 2)
            case ("s", 2): token = .number(.second, minDigits: 2, maxDigits: 2)
            default: return nil
            }
            guard case .number(let field, _, _) = token, seen.insert(field).inserted else { return nil }
            if !literal.isEmpty {
                tokens.append(.literal(literal))
                literal = []
            }
            tokens.append(token)
        }
        if !literal.isEmpty { tokens.append(.literal(literal)) }
        guard seen.isSuperset(of: [.day, .month, .year]) else { return nil }
        self.text = pattern
        self.tokens = tokens
        self.shortYear = shortYear
        steps = tokens.flatMap { token -> [Step] in
            switch token {
            case .literal(let bytes): bytes.map { Step(field: nil, byte: $0, minDigits: 0, maxDigits: 0) }
            case .number(let field, let low, let high): [Step(field: field, byte: 0, minDigits: Int8(low), maxDigits: Int8(high))]
            }
        }
    }

    /// Reads one cell; nil when it does not match the pattern exactly or the day is not on
    /// the calendar. Allocates nothing.
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        var index = 0
        var year = 0, month = 0, day = 0
        // The time of day, checked then dropped.
        var timeInRange = true
        for step in steps {
            guard let field = step.field else {
                guard index < bytes.count, bytes[index] == step.byte else { return nil }
                index += 1
                continue
            }
            let minDigits = Int(step.minDigits), maxDigits = Int(step.maxDigits)
            var value = 0, count = 0
            // Greedy up to maxDigits: `d/M` read `12/3` as day 12, as people expect.
            while count < maxDigits, index < bytes.count, let digit = digitValue(bytes[index]) {
                value = value * 10 + digit
                count += 1
                index += 1
            }
            guard count >= minDigits else { return nil }
            switch field {
            case .day: day = value
            case .month: month = value
            case .year: year = shortYear ? (value < 50 ? 2000 + value : 1900 + value) : value
            case .hour: timeInRange = timeInRange && value <= 23
            case .minute, .second: timeInRange = timeInRange && value <= 59
            }
        }
        guard index == bytes.count, timeInRange else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }
}
