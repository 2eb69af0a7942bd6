import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime

/// How each field slot's cells are read and checked, worked out once per load so
/// that the column loops look at plain values only, and how a bad cell is reported.
struct FieldChecks: Sendable {
    let file: String
    let fields: [FieldPlan]
    /// The column each field is read from, by field slot (nil: absent, read as empty).
    let columns: [Int?]
    let keySlot: Int
    /// The column the key is read from; nil when it is absent (or `keySlot` names no
    /// field), so that no caller indexes `columns` with a slot it was not given.
    let keyColumn: Int?
    /// Per slot, how its cells are read; and the date patterns those kinds refer to.
    let kinds: [CellReader.Kind]
    let patterns: [DatePattern]
    /// Per slot: the field has an `in [...]` list to check.
    let checksAllowed: [Bool]
    /// Per slot: a text field that is not kept and has no `in [...]` list. Any text
    /// is valid for it, so only whether the cell is empty matters.
    let emptinessOnly: [Bool]
    /// Per slot: what an empty cell stands for (the default, or `none` when the field
    /// is optional); nil when the field is required.
    let emptyValues: [Value?]

    /// `kept(slot)`: whether the table stores the slot.
    init(file: String, fields: [FieldPlan], columns: [Int?], keySlot: Int, kept: (Int) -> Bool) {
        self.file = file
        self.fields = fields
        self.columns = columns
        self.keySlot = keySlot
        self.keyColumn = columns.indices.contains(keySlot) ? columns[keySlot] : nil
        (self.kinds, self.patterns) = CellReader.kinds(fields)
        self.checksAllowed = fields.map { $0.allowed != nil }
        self.emptinessOnly = fields.indices.map { !kept($0) && fields[$0].spec.type == .text && fields[$0].allowed == nil }
        self.emptyValues = fields.map { $0.defaultValue ?? ($0.spec.optional ? Value.none : nil) }
    }

    /// A bad cell of a row read from `cells`.
    func reject<Source: CellSource>(_ line: Int, _ slot: Int, _ cells: Source, _ code: DiagnosticCode, _ expected: String) -> Reject {
        reject(line, slot, code, expected, raw: cells.raw)
    }

    /// A bad cell of a row whose cells' text `raw(column)` gives.
    func reject(_ line: Int, _ slot: Int, _ code: DiagnosticCode, _ expected: String, raw: (Int) -> String) -> Reject {
        let column = columns[slot]
        let id = keyColumn.map(raw) ?? ""
        return Reject(file: file, line: line, column: column.map { $0 + 1 } ?? 0, customerID: id,
                      field: fields[slot].spec.name, value: column.map(raw) ?? "", expected: expected, code: code)
    }

    /// A whole row at fault (wrong number of cells, unreadable JSON); `field` names the
    /// column at fault when there is one.
    func rowReject(line: Int, id: String, code: DiagnosticCode, expected: String, field: String = "", place: DataPlace? = nil) -> Reject {
        Reject(file: file, line: line, column: 0, customerID: id, field: field, value: "", expected: expected, code: code, place: place)
    }

    /// The `in [...]` list of a field, as the reject says it.
    func allowedText(_ slot: Int) -> String {
        (fields[slot].spec.allowed ?? []).map { literal in
            switch literal {
            case .text(let t): "\"\(t)\""
            case .number(let t), .percent(let t): t
            default: "\(literal)"
            }
        }.joined(separator: ", ")
    }
}
