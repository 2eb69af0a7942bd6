import PolicySyntax
import PolicySemantics
import PolicyRuntime

/// Turns rows of cells into customers, checking every cell against its field.
/// A row with a bad cell is rejected (every bad cell reported), never dropped
/// silently; a key seen before rejects the later row.
struct RowBuilder {
    let file: String
    let fields: [FieldPlan]
    /// The column each field is read from, by field slot (nil: absent, read as empty).
    let columns: [Int?]
    let keySlot: Int
    var table: CustomerTable
    var rejects: [Reject] = []
    var rejectedRows = 0
    var keyLines: [Value: Int] = [:]
    var values: [Value]

    init(file: String, fields: [FieldPlan], columns: [Int?], keySlot: Int) {
        self.file = file
        self.fields = fields
        self.columns = columns
        self.keySlot = keySlot
        self.table = CustomerTable(fieldCount: fields.count)
        self.values = Array(repeating: .none, count: fields.count)
    }

    /// Adds one row. `read` reads the cell of a column as a field; `raw` gives a
    /// column's text for reports (only called for rejects).
    mutating func add(line: Int, read: (Int, FieldPlan) -> CellReader.Outcome, raw: (Int) -> String) {
        var problems: [Reject] = []
        for (slot, plan) in fields.enumerated() {
            let outcome = columns[slot].map { read($0, plan) } ?? .empty
            switch outcome {
            case .value(let v):
                if let allowed = plan.allowed, !allowed.contains(v) {
                    problems.append(reject(line, slot, raw, .valueNotAllowed, "one of \(allowedText(plan))"))
                }
                values[slot] = v
            case .empty:
                if let d = plan.defaultValue { values[slot] = d }
                else if plan.spec.optional { values[slot] = .none }
                else { problems.append(reject(line, slot, raw, .emptyRequiredCell, "a value")) }
            case .bad(let expected):
                problems.append(reject(line, slot, raw, .badCell, expected))
            }
        }
        if problems.isEmpty {
            let key = values[keySlot]
            if let first = keyLines[key] {
                problems.append(reject(line, keySlot, raw, .duplicateKey, "a key no earlier row has (line \(first) has it)"))
            } else {
                keyLines[key] = line
            }
        }
        if problems.isEmpty {
            table.append(values, line: line)
        } else {
            rejectedRows += 1
            rejects.append(contentsOf: problems)
        }
    }

    /// A whole row at fault (wrong number of cells, unreadable JSON).
    mutating func rejectRow(line: Int, id: String, code: DiagnosticCode, expected: String) {
        rejectedRows += 1
        rejects.append(Reject(file: file, line: line, column: 0, customerID: id, field: "", value: "", expected: expected, code: code))
    }

    func reject(_ line: Int, _ slot: Int, _ raw: (Int) -> String, _ code: DiagnosticCode, _ expected: String) -> Reject {
        let column = columns[slot]
        let id = columns[keySlot].map(raw) ?? ""
        return Reject(file: file, line: line, column: column.map { $0 + 1 } ?? 0, customerID: id,
                      field: fields[slot].spec.name, value: column.map(raw) ?? "", expected: expected, code: code)
    }

    func allowedText(_ plan: FieldPlan) -> String {
        (plan.spec.allowed ?? []).map { literal in
            switch literal {
            case .text(let t): "\"\(t)\""
            case .number(let t), .percent(let t): t
            default: "\(literal)"
            }
        }.joined(separator: ", ")
    }
}
