import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime
import PolicyData

/// An expectation written in a cell of a table-driven test file.
struct CaseExpectation {
    /// The cell as written, with its column (`expect tier: Gold`), for reports.
    var text: String
    var form: TestExpectation.Form
}

/// Table-driven tests: a customer file whose header has `expect SEGMENT` and
/// `expect ACTION` columns besides the fields. Each row is a customer and a case:
///
///     id,total_spend,orders,expect tier,expect discount,expect alert
///     T1,6000,12,Gold,15%,none
///     T2,800,2,Bronze,none,
///
/// A cell holds a label, an action's value (several separated by `;`), or `none`
/// (no label; no action of that kind). An empty cell expects nothing.
/// `expect actions` with `none` expects no actions at all.
enum CaseColumns {
    /// Per line of the file, the expectations of its row, with the 1-based column.
    static func read(_ file: CustomerFile, program: Program) -> Result<[Int: [(Int, CaseExpectation)]], TestSetupError> {
        guard file.format == .csv || file.format == .tsv else { return .success([:]) }
        guard var reader = try? CSVReader(bytes: file.bytes, delimiter: file.format == .tsv ? .tab : nil) else { return .success([:]) }
        var columns: [(index: Int, subject: String)] = []
        for (index, name) in reader.header.enumerated() where name.hasPrefix("expect ") {
            columns.append((index, CellText.trimmed(String(name.dropFirst("expect ".count)))))
        }
        guard !columns.isEmpty else { return .success([:]) }
        let segments = program.policy.segments.map(\.name)
        for column in columns where !segments.contains(column.subject) && ActionKind(rawValue: column.subject) == nil && column.subject != "actions" {
            let guess = Suggest.closest(to: column.subject, among: segments + ActionKind.allCases.map(\.rawValue) + ["actions"])
            return .failure(TestSetupError(message: "the column `expect \(column.subject)` of `\(file.name)` names no segment or action"
                + (guess.map { "; did you mean `expect \($0)`?" } ?? "")))
        }
        var result: [Int: [(Int, CaseExpectation)]] = [:]
        var record = CSVRecord()
        while (try? reader.next(into: &record)) == true {
            for column in columns where column.index < record.fields.count {
                let cell = reader.withFieldBytes(record.fields[column.index]) { String(decoding: CellText.trimmed($0), as: UTF8.self) }
                guard !cell.isEmpty else { continue }
                switch expectations(subject: column.subject, cell: cell, program: program) {
                case .failure(let message):
                    return .failure(TestSetupError(message: "\(file.name):\(record.line):\(column.index + 1): \(message.message)"))
                case .success(let forms):
                    for (part, form) in forms {
                        result[record.line, default: []].append((column.index + 1, CaseExpectation(text: "expect \(column.subject) \(part)", form: form)))
                    }
                }
            }
        }
        return .success(result)
    }

    /// The expectations of one cell, each with the part of the cell it comes from.
    static func expectations(subject: String, cell: String, program: Program) -> Result<[(String, TestExpectation.Form)], TestSetupError> {
        let isNone = cell == "none" || cell == "-"
        if subject == "actions" {
            return isNone ? .success([(cell, .noAction(nil))]) : .failure(TestSetupError(message: "`expect actions` only takes `none`"))
        }
        if let s = program.policy.segments.firstIndex(where: { $0.name == subject }) {
            if isNone { return .success([(cell, .label(segment: s, label: nil))]) }
            guard let label = program.policy.segments[s].labels.firstIndex(of: cell) else {
                let guess = Suggest.closest(to: cell, among: program.policy.segments[s].labels)
                return .failure(TestSetupError(message: "`\(cell)` is not a label of segment `\(subject)`" + (guess.map { "; did you mean `\($0)`?" } ?? "")))
            }
            return .success([(cell, .label(segment: s, label: label))])
        }
        guard let kind = ActionKind(rawValue: subject) else { return .success([]) }
        if isNone { return .success([(cell, .noAction(kind))]) }
        var forms: [(String, TestExpectation.Form)] = []
        for part in cell.split(separator: ";").map({ CellText.trimmed(String($0)) }) where !part.isEmpty {
            guard let value = expectedValue(kind, part) else {
                return .failure(TestSetupError(message: "`\(part)` is not a value a \(kind.rawValue) can have"))
            }
            forms.append((part, .action(kind, value)))
        }
        return .success(forms)
    }

    /// Reads a cell as the value of an action kind: `15%` or `50` for discounts,
    /// `200` for points, `60 days` for credit, a name for alerts, text otherwise.
    static func expectedValue(_ kind: ActionKind, _ text: String) -> ExpectedValue? {
        switch kind {
        case .alert: return .name(text)
        case .discount, .points:
            if text.hasSuffix("%"), ExactDecimal(String(text.dropLast())) != nil { return .literal(.percent(String(text.dropLast()))) }
            return ExactDecimal(text) != nil ? .literal(.number(text)) : nil
        case .credit:
            guard let d = Duration(text: text) else { return nil }
            return .literal(.duration(amount: String(d.amount), unit: d.unit))
        default:
            return .literal(.text(text))
        }
    }
}
