import PolicySyntax
import PolicySemantics
import PolicyRuntime

/// Where a row's cells come from: a CSV record's spans, or a JSON record's strings.
protocol CellSource {
    /// Calls `body` with the bytes of the cell of `column`.
    func withCell<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R
    /// Whether the cell holds nothing but spaces (cheaper than reading it).
    func isEmpty(_ column: Int) -> Bool
    /// The cell's text, trimmed, for reports (only called for rejects).
    func raw(_ column: Int) -> String
}

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
    var keyLines: [Value: Int32]
    var values: [Value]
    var problems: [Reject] = []
    /// Per slot: a text field that is not kept and has no `in [...]` list. Any text
    /// is valid for it, so only whether the cell is empty matters.
    let emptinessOnly: [Bool]

    /// `keep`: the field slots to store (nil: all); the others are only checked.
    /// `expectedRows`: a guess of the row count, so the key index is not rebuilt as it grows.
    init(file: String, fields: [FieldPlan], columns: [Int?], keySlot: Int, keep: Set<Int>? = nil, expectedRows: Int = 0) {
        self.keyLines = Dictionary(minimumCapacity: expectedRows)
        self.file = file
        self.fields = fields
        self.columns = columns
        self.keySlot = keySlot
        let table = CustomerTable(types: fields.map(\.columnType), keep: keep)
        self.table = table
        self.values = Array(repeating: .none, count: fields.count)
        self.emptinessOnly = fields.indices.map { !table.keeps($0) && fields[$0].spec.type == .text && fields[$0].allowed == nil }
    }

    /// Adds one row read from `cells`.
    mutating func add<Source: CellSource>(line: Int, cells: Source) {
        problems.removeAll(keepingCapacity: true)
        // Index loop over a borrowed buffer: copying a `FieldPlan` per cell retains all
        // of its strings and sets, which showed up as a third of the load time.
        fields.withUnsafeBufferPointer { plans in
            for slot in 0..<plans.count {
                guard let column = columns[slot] else {
                    empty(slot, plans[slot], line: line, cells: cells)
                    continue
                }
                if emptinessOnly[slot] {
                    if cells.isEmpty(column) { empty(slot, plans[slot], line: line, cells: cells) }
                    continue
                }
                // The plan is borrowed from the buffer: passing it through the generic
                // cell source would copy it (and retain every string in it) per cell.
                switch cells.withCell(column, { CellReader.read($0, as: plans[slot]) }) {
                case .value(let v):
                    if let allowed = plans[slot].allowed, !allowed.contains(v) {
                        problems.append(reject(line, slot, cells, .valueNotAllowed, "one of \(allowedText(plans[slot]))"))
                    }
                    values[slot] = v
                case .empty:
                    empty(slot, plans[slot], line: line, cells: cells)
                case .bad(let expected):
                    problems.append(reject(line, slot, cells, .badCell, expected))
                }
            }
        }
        if problems.isEmpty {
            let key = values[keySlot]
            if let first = keyLines.updateValue(Int32(clamping: line), forKey: key) {
                keyLines[key] = first
                problems.append(reject(line, keySlot, cells, .duplicateKey, "a key no earlier row has (line \(first) has it)"))
            }
        }
        if problems.isEmpty {
            table.append(values, line: line)
        } else {
            rejectedRows += 1
            rejects.append(contentsOf: problems)
        }
    }

    /// An empty cell: the default, `none` for an optional field, or a reject.
    mutating func empty<Source: CellSource>(_ slot: Int, _ plan: FieldPlan, line: Int, cells: Source) {
        if let d = plan.defaultValue { values[slot] = d }
        else if plan.spec.optional { values[slot] = .none }
        else { problems.append(reject(line, slot, cells, .emptyRequiredCell, "a value")) }
    }

    /// A whole row at fault (wrong number of cells, unreadable JSON).
    mutating func rejectRow(line: Int, id: String, code: DiagnosticCode, expected: String) {
        rejectedRows += 1
        rejects.append(Reject(file: file, line: line, column: 0, customerID: id, field: "", value: "", expected: expected, code: code))
    }

    func reject<Source: CellSource>(_ line: Int, _ slot: Int, _ cells: Source, _ code: DiagnosticCode, _ expected: String) -> Reject {
        let column = columns[slot]
        let id = columns[keySlot].map { cells.raw($0) } ?? ""
        return Reject(file: file, line: line, column: column.map { $0 + 1 } ?? 0, customerID: id,
                      field: fields[slot].spec.name, value: column.map { cells.raw($0) } ?? "", expected: expected, code: code)
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
