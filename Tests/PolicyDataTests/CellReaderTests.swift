import Testing
import PolicyValues
import PolicySemantics
import PolicyRuntime
@testable import PolicyData

func read(_ cell: String, _ type: FieldType, pattern: String? = nil) -> String {
    var plan = FieldPlan(spec: FieldSpec(name: "f", type: type))
    plan.pattern = pattern.flatMap { DatePattern($0) }
    var text = cell
    let outcome = text.withUTF8 { CellReader.read($0, as: plan) }
    switch outcome {
    case .empty: return "empty"
    case .bad(let expected): return "bad: \(expected)"
    case .value(let v):
        switch v {
        case .number(let n): return n.description
        case .text(let t): return "text \(t)"
        case .bool(let b): return "\(b)"
        case .date(let d): return d.iso
        case .duration(let d): return d.text
        default: return "\(v)"
        }
    }
}

struct CellReaderTests {
    @Test(arguments: [
        (" 42 ", FieldType.int, "42"),
        ("\"$84,835.00 \"", .money, "bad: an amount of money, such as 1,234.50"),
        ("$84,835.00 ", .money, "84835"),
        ("€1,000", .money, "1000"),
        ("¥ 300", .money, "300"),
        ("-12.5", .number, "-12.5"),
        ("1,2", .number, "bad: a number"),
        ("12.5", .int, "bad: a whole number, without decimals"),
        ("twelve", .int, "bad: a whole number"),
        (" ", .int, "empty"),
        ("", .money, "empty"),
        ("Yes", .bool, "true"),
        ("no", .bool, "false"),
        ("Y", .bool, "true"),
        ("0", .bool, "false"),
        ("maybe", .bool, "bad: yes or no (true/false, y/n, 1/0)"),
        ("0001", .text, "text 0001"),
        ("  Li Wei ", .text, "text Li Wei"),
        ("2026-11-22", .date, "2026-11-22"),
        ("2026-2-1", .date, "bad: a date written YYYY-MM-DD"),
        ("30 days", .duration, "30 days"),
        ("100 years", .duration, "100 years"),
        // Longer than 100 years, or negative: overflowed date arithmetic before.
        ("9223372036854775807 years", .duration, "bad: a duration such as 30 days, at most 100 years"),
        ("101 years", .duration, "bad: a duration such as 30 days, at most 100 years"),
        ("-5 days", .duration, "bad: a duration such as 30 days, at most 100 years"),
    ])
    func cells(cell: String, type: FieldType, expected: String) {
        #expect(read(cell, type) == expected)
    }

    @Test func datePatterns() {
        #expect(read("22-11-2026", .date, pattern: "dd-MM-yyyy") == "2026-11-22")
        #expect(read("2026-11-22", .date, pattern: "dd-MM-yyyy") == "bad: a date written dd-MM-yyyy")
        #expect(read("5/3/26", .date, pattern: "d/M/yy") == "2026-03-05")
    }
}
