import Foundation
import Testing
@testable import PolicyValues

/// Parses a literal the tests know to be valid; a bad literal fails the test, not the run.
private func dec(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ExactDecimal {
    guard let value = ExactDecimal(text) else {
        Issue.record("not a literal: \(text)", sourceLocation: sourceLocation)
        return .zero
    }
    return value
}

private func lenient(_ text: String) -> ExactDecimal? {
    Array(text.utf8).withUnsafeBufferPointer { ExactDecimal.parseLenient($0) }
}

private func strictBytes(_ text: String) -> ExactDecimal? {
    Array(text.utf8).withUnsafeBufferPointer { ExactDecimal(utf8: $0) }
}

@Suite("ExactDecimal")
struct ExactDecimalTests {
    @Test func famousSums() {
        #expect(dec("0.1") + dec("0.2") == dec("0.3"))
        #expect(dec("19.99") * ExactDecimal(3) == dec("59.97"))
        #expect((dec("19.99") * ExactDecimal(3)).description == "59.97")
        #expect((dec("0.1") + dec("0.2")).description == "0.3")
    }

    @Test func constructors() {
        #expect(ExactDecimal(mantissa: 1999, scale: 2) == dec("19.99"))
        #expect(ExactDecimal(mantissa: 5, scale: -2) == ExactDecimal(500))
        #expect(ExactDecimal(mantissa: 5, scale: -30).description == "5000000000000000000000000000000")
        #expect(ExactDecimal(mantissa: 1, scale: 60).description == "0." + String(repeating: "0", count: 59) + "1")
        #expect(ExactDecimal.zero.description == "0")
        #expect(ExactDecimal.one.description == "1")
        #expect(ExactDecimal(Int.min).description == "\(Int.min)")
        #expect(ExactDecimal(-7).sign == -1 && ExactDecimal.zero.sign == 0 && ExactDecimal(7).sign == 1)
    }

    static let strictCases: [(String, String?)] = [
        ("0", "0"), ("-0", "0"), ("42", "42"), ("-12.5", "-12.5"), ("1_000", "1000"),
        ("1_000.000_1", "1000.0001"), ("0.10", "0.1"), ("007", "7"), ("1.000", "1"),
        ("123456789012345678", "123456789012345678"),
        ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("9223372036854775808", "9223372036854775808"),
        ("123456789012345678901234567890", "123456789012345678901234567890"),
        ("0.000000000000000000000000000000000000000001", "0.000000000000000000000000000000000000000001"),
        // 40 significant digits: rounded half-even to 38.
        ("1234567890123456789012345678901234567850", "1234567890123456789012345678901234567800"),
        ("1234567890123456789012345678901234567750", "1234567890123456789012345678901234567800"),
        ("1234567890123456789012345678901234567850.0000001", "1234567890123456789012345678901234567900"),
        ("", nil), ("-", nil), ("+5", nil), (".5", nil), ("5.", nil), ("1.2.3", nil), ("1e5", nil),
        (" 1", nil), ("1 ", nil), ("_1", nil), ("1_", nil), ("1__0", nil), ("1_.5", nil), ("1._5", nil),
        ("--1", nil), ("1,000", nil), ("abc", nil), ("١٢", nil), ("$5", nil),
    ]

    @Test(arguments: strictCases)
    func strictParsing(text: String, expected: String?) {
        #expect(ExactDecimal(text)?.description == expected)
        #expect(ExactDecimal(Substring(text))?.description == expected)
        #expect(strictBytes(text)?.description == expected)
    }

    @Test func substringParsing() {
        let line = "a,12.50,b"
        let cell = line.split(separator: ",")[1]
        #expect(ExactDecimal(cell) == dec("12.5"))
    }

    static let lenientCases: [(String, String?)] = [
        (" 42 ", "42"), ("$84,835.00 ", "84835"), ("€1,000", "1000"), ("¥ 300", "300"),
        ("-12.5", "-12.5"), ("abc", nil), ("", nil), (" ", nil), ("\t", nil),
        ("1,234,567.89", "1234567.89"), ("12,34", nil), ("1,2345", nil), (",123", nil), ("123,", nil),
        ("1,,234", nil), ("1234,567", nil), ("-$5", "-5"), ("$-5", "-5"), ("+$5", "5"), ("+5", "5"),
        ("$ -5", "-5"), ("- 5", nil), ("--5", nil), ("-$-5", nil), ("$$5", nil), ("£12.50", "12.5"),
        ("￥128,600.00", "128600"), ("¥128,600.00", "128600"), ("\t 7\t", "7"), ("1.2.3", nil),
        ("1e5", nil), ("$", nil), ("-", nil), ("+", nil), ("5$", nil), ("1_000", nil), ("1.5,000", nil),
        ("0.5", "0.5"), (".5", nil), ("5.", nil), ("1 000", nil), ("€ 1,000.50", "1000.5"),
        ("12345678901234567890.5", "12345678901234567890.5"), ("$1,234,567,890,123,456,789,012", "1234567890123456789012"),
        ("-0", "0"), ("(5)", nil), ("5%", nil),
    ]

    /// The one-pass reading of plain cells gives what the full reading gives, to the
    /// stored digits and scale.
    @Test func plainCellsReadAsInFull() {
        var state: UInt64 = 5
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let alphabet = Array("0123456789.".utf8) + Array("00000-+, $e".utf8)
        var plain = 0
        for _ in 0..<50_000 {
            let length = 1 + next(20)
            let bytes = (0..<length).map { _ in next(3) == 0 ? alphabet[next(alphabet.count)] : alphabet[next(10)] }
            bytes.withUnsafeBufferPointer { buffer in
                let fast = ExactDecimal.parsePlain(buffer)
                let full = ExactDecimal.parseLenientInFull(buffer)
                if let fast {
                    plain += 1
                    #expect(full != nil && fast.smallParts! == full!.smallParts!, "\(String(decoding: bytes, as: UTF8.self))")
                }
                #expect(ExactDecimal.parseLenient(buffer) == full)
            }
        }
        #expect(plain > 10_000)
    }

    @Test(arguments: lenientCases)
    func lenientParsing(text: String, expected: String?) {
        #expect(lenient(text)?.description == expected)
    }

    static let bigPlus: [(String, String, String)] = [
        ("9223372036854775807", "1", "9223372036854775808"),
        ("-9223372036854775808", "-1", "-9223372036854775809"),
        ("9223372036854775808", "-1", "9223372036854775807"),
        ("99999999999999999999", "0.01", "99999999999999999999.01"),
        ("1" + String(repeating: "0", count: 37), "0.5", "10000000000000000000000000000000000000"),
        ("1" + String(repeating: "0", count: 37), "1.5", "10000000000000000000000000000000000002"),
        ("0.000000000000000000000000000000000000000000000000000001", "1", "1"),
        ("100000000000000000000000000000", "-100000000000000000000000000000", "0"),
        ("4611686018427387904", "4611686018427387904", "9223372036854775808"),
        ("0.1", "0.000000000000000000000000000000001", "0.100000000000000000000000000000001"),
        ("92233720368547758.07", "0.001", "92233720368547758.071"),
    ]

    @Test(arguments: bigPlus)
    func wideAddition(a: String, b: String, sum: String) {
        #expect((dec(a) + dec(b)).description == sum)
        #expect((dec(b) + dec(a)).description == sum)
        #expect(dec(a) + dec(b) == dec(sum))
    }

    @Test func wideProducts() {
        let x = dec("99999999999.99")
        #expect((x * x).description == "9999999999998000000000.0001")
        #expect((x * x) == dec("9999999999998000000000.0001"))
        let big = dec("123456789012345678901234567890")
        #expect((big * ExactDecimal.zero).isZero)
        #expect((big * ExactDecimal.one) == big)
        // 38 digits squared is rounded half-even back to 38 significant digits.
        let nines = dec(String(repeating: "9", count: 38))
        #expect((nines * nines).description == "99999999999999999999999999999999999998" + String(repeating: "0", count: 38))
        #expect((dec("2.00") * dec("3.00") * dec("4.00")) == ExactDecimal(24))
        var product = ExactDecimal.one
        for _ in 0..<30 { product = product * dec("1.10") }
        #expect(product.description == "17.449402268886407318558803753801")
    }

    @Test func wideComparesWithFastPath() {
        let huge = dec("9223372036854775808")
        let max = ExactDecimal(Int.max)
        #expect(max < huge)
        #expect(!(huge < max))
        #expect(!(-huge < ExactDecimal(Int.min)))
        #expect(-huge == ExactDecimal(Int.min))
        #expect(dec("-9223372036854775809") < ExactDecimal(Int.min))
        #expect(dec("0.5") < huge)
        #expect(-huge < dec("0.5"))
        let tiny = ExactDecimal(mantissa: 1, scale: 45)
        #expect(ExactDecimal.zero < tiny && tiny < dec("0.000001"))
        #expect(-tiny < ExactDecimal.zero)
        #expect(huge != max)
        #expect(huge - ExactDecimal.one == max)
        let sorted = [huge, max, dec("-1.5"), tiny, -huge, ExactDecimal.zero].sorted()
        #expect(sorted == [-huge, dec("-1.5"), ExactDecimal.zero, tiny, max, huge])
    }

    @Test func equalityAndHashing() {
        #expect(dec("1.0") == dec("1.00"))
        #expect(dec("1.0").hashValue == dec("1.00").hashValue)
        #expect(dec("0.000").hashValue == ExactDecimal.zero.hashValue)
        #expect(ExactDecimal(mantissa: 100, scale: 2).hashValue == ExactDecimal.one.hashValue)
        #expect(Set([dec("1.0"), dec("1.00"), dec("1"), dec("2.50"), dec("2.5")]).count == 2)
        // A wide intermediate that comes back into range is the same value as a fast one.
        let back = (dec("9223372036854775807") + dec("10")) - dec("10")
        #expect(back == ExactDecimal(Int.max))
        #expect(back.hashValue == ExactDecimal(Int.max).hashValue)
        #expect(dec("0.1") != dec("0.10000000000000000000001"))
    }

    static let divisions: [(String, String, String?)] = [
        ("1", "3", "0.333333333333333333"), ("2", "3", "0.666666666666666667"), ("10", "4", "2.5"),
        ("1", "8", "0.125"), ("1", "0", nil), ("0", "0", nil), ("0", "5", "0"), ("-1", "3", "-0.333333333333333333"),
        ("1", "-8", "-0.125"), ("-6", "-3", "2"), ("100", "0.5", "200"), ("0.001", "1000", "0.000001"),
        ("9223372036854775807", "1", "9223372036854775810"), ("1", "7", "0.142857142857142857"),
        ("200", "3", "66.6666666666666667"), ("1", "3000000000", "0.000000000333333333333333333"),
        ("123456789012345678901234567890", "10", "12345678901234567900000000000"),
        ("123456789012345678901234567890", "3", "41152263004115226300000000000"),
        ("1", "99999999999999999999", "0.0000000000000000000100000000000000000"),
        ("59.97", "3", "19.99"), ("5", "0.000", nil), ("0.5", "2", "0.25"),
        ("-9223372036854775808", "-1", "9223372036854775810"),
        ("2.5", "1000000000000000000000", "0.0000000000000000000025"),
    ]

    @Test(arguments: divisions)
    func division(a: String, b: String, quotient: String?) {
        let result = dec(a).divided(by: dec(b))
        #expect(result?.description == quotient.map { ExactDecimal($0)?.description ?? "?" })
    }

    static let roundings: [(String, Int, String)] = [
        ("2.345", 2, "2.35"), ("-2.345", 2, "-2.35"), ("2.5", 0, "3"), ("-2.5", 0, "-3"), ("2.4", 0, "2"),
        ("2.344", 2, "2.34"), ("1250", -2, "1300"), ("1249", -2, "1200"), ("-1250", -2, "-1300"),
        ("7", 2, "7"), ("0.004", 2, "0"), ("0.005", 2, "0.01"), ("-0.004", 2, "0"), ("999.995", 2, "1000"),
        ("1", -5, "0"), ("50000", -5, "100000"), ("12345678901234567890.5", 0, "12345678901234567891"),
        ("0.00000000000000000000000000000000015", 34, "0.0000000000000000000000000000000002"),
        ("1.5", Int.min, "0"), ("1.5", Int.max, "1.5"), ("9223372036854775807", -1, "9223372036854775810"),
    ]

    @Test(arguments: roundings)
    func rounding(value: String, places: Int, expected: String) {
        #expect(dec(value).rounded(places: places).description == expected)
    }

    static let formats: [(String, Int, String)] = [
        ("59.97", 2, "59.97"), ("3", 2, "3.00"), ("2.345", 2, "2.35"), ("-2.345", 2, "-2.35"),
        ("-0.001", 2, "0.00"), ("0", 2, "0.00"), ("1234567.891", 1, "1234567.9"), ("0.5", 0, "1"),
        ("12.5", -3, "13"), ("123456789012345678901234567890", 2, "123456789012345678901234567890.00"),
        ("0.07", 3, "0.070"),
    ]

    @Test(arguments: formats)
    func formatting(value: String, digits: Int, expected: String) {
        #expect(dec(value).formatted(fractionDigits: digits) == expected)
    }

    static let descriptions: [(String, String)] = [
        ("59.970", "59.97"), ("0.3", "0.3"), ("1000", "1000"), ("-0.5", "-0.5"), ("-0.000", "0"),
        ("0.0001", "0.0001"), ("-123.450", "-123.45"), ("100.00", "100"),
    ]

    @Test(arguments: descriptions)
    func canonicalDescription(value: String, expected: String) {
        #expect(dec(value).description == expected)
        #expect(ExactDecimal(expected) == dec(value))
    }

    static let percents: [(String, String)] = [
        ("0.15", "15%"), ("0.125", "12.5%"), ("1", "100%"), ("0", "0%"), ("-0.05", "-5%"),
        ("0.0001", "0.01%"), ("12345678901234567890", "1234567890123456789000%"),
    ]

    @Test(arguments: percents)
    func percentText(value: String, expected: String) {
        #expect(dec(value).percentText() == expected)
    }

    /// The number of a percent literal (`50` for `50%`) read as the rate it stands for.
    static let percentLiterals: [(String, String?)] = [
        ("50", "0.5"), ("95", "0.95"), ("5", "0.05"), ("12.5", "0.125"), ("0.001", "0.00001"),
        ("100", "1"), ("0", "0"), ("0.00", "0"), ("1_000", "10"), ("", nil), ("5.", nil), ("1e2", nil),
    ]

    @Test(arguments: percentLiterals)
    func percentLiteral(text: String, expected: String?) {
        #expect(ExactDecimal(percent: text) == expected.map { dec($0) })
    }

    @Test func literalsCompareExactly() {
        #expect(dec("-2") < dec("-1.5"))
        #expect(dec("1000") > dec("999.99"))
        #expect(dec("0") == dec("-0.00"))
        #expect(dec("12.50") == dec("12.5"))
        #expect(ExactDecimal(percent: "5").map { -$0 } == dec("-0.05"))
    }

    @Test func properties() {
        #expect(dec("3.000").isInteger && dec("3.000").intValue == 3)
        #expect(!dec("3.5").isInteger && dec("3.5").intValue == nil)
        #expect(dec("-12").intValue == -12)
        #expect(dec("92233720368547758070").isInteger && dec("92233720368547758070").intValue == nil)
        #expect(!ExactDecimal(mantissa: 1, scale: 30).isInteger)
        #expect(dec("0.000").isZero && !dec("0.001").isZero)
        #expect(dec("-2.5").magnitude == dec("2.5") && dec("2.5").magnitude == dec("2.5"))
        #expect((-ExactDecimal(Int.min)).description == "9223372036854775808")
        #expect(dec("-9223372036854775808").magnitude.description == "9223372036854775808")
        #expect(dec("0.25").doubleValue == 0.25)
        #expect(dec("-1.5").sign == -1)
        #expect(dec("-99999999999999999999").sign == -1)
    }

    @Test func neverTraps() {
        let maxValue = ExactDecimal(Int.max), minValue = ExactDecimal(Int.min)
        #expect((maxValue * maxValue).description == "85070591730234615847396907784232501249")
        #expect((minValue * minValue).description == "85070591730234615865843651857942052864")
        #expect((minValue - maxValue).description == "-18446744073709551615")
        #expect((minValue * ExactDecimal(-1)).description == "9223372036854775808")
        #expect(minValue.divided(by: ExactDecimal(-1))?.description == "9223372036854775810")
        var huge = dec(String(repeating: "9", count: 38))
        for _ in 0..<10 { huge = huge * huge }
        #expect(huge.sign == 1)
        var tiny = ExactDecimal(mantissa: 1, scale: 38)
        for _ in 0..<10 { tiny = tiny * tiny }
        #expect(tiny.sign == 1 && tiny < ExactDecimal.one)
        #expect(huge.rounded(places: -5) == huge)
        #expect(ExactDecimal(mantissa: Int64.max, scale: Int.max).isZero)
        #expect(ExactDecimal(mantissa: Int64.max, scale: Int.min).sign == 1)
        let long = String(repeating: "7", count: 5000) + "." + String(repeating: "3", count: 5000)
        #expect(ExactDecimal(long)?.description.hasPrefix("7777777") == true)
    }

    /// Not a timing assertion: prints ns per operation so runs can be compared by eye.
    @Test func measureHotPaths() {
        let cells = ["19.99", "84835.00", "42", "-12.5", "1000000", "0.15"].map { Array($0.utf8) }
        let rounds = 200_000
        var checksum = ExactDecimal.zero
        let parseStart = DispatchTime.now().uptimeNanoseconds
        for index in 0..<rounds {
            let value = cells[index % cells.count].withUnsafeBufferPointer { ExactDecimal(utf8: $0) }
            checksum = checksum + (value ?? .zero)
        }
        let parseTime = DispatchTime.now().uptimeNanoseconds - parseStart
        let values = (0..<1000).map { ExactDecimal(mantissa: Int64($0 * 37 % 1000), scale: 2) }
        var sum = ExactDecimal.zero
        let addStart = DispatchTime.now().uptimeNanoseconds
        for index in 0..<rounds { sum = sum + values[index % values.count] }
        let addTime = DispatchTime.now().uptimeNanoseconds - addStart
        var product = ExactDecimal.zero
        let mulStart = DispatchTime.now().uptimeNanoseconds
        for index in 0..<rounds { product = product + values[index % values.count] * values[(index + 1) % values.count] }
        let mulTime = DispatchTime.now().uptimeNanoseconds - mulStart
        print("ExactDecimal: init(utf8:)+add \(Double(parseTime) / Double(rounds)) ns, + \(Double(addTime) / Double(rounds)) ns, *+ \(Double(mulTime) / Double(rounds)) ns")
        #expect(checksum.sign != 0 && sum.sign != 0 && product.sign != 0)
    }
}
