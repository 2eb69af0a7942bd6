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
    /// Duplicate-key detection: the key's hash and the table row that has it. A hit is
    /// confirmed against the key column itself, so the check is exact; two different
    /// keys with one hash go to `collidedKeys`. Half the memory of a dictionary of keys.
    var keyRows: [Int: Int32]
    var collidedKeys: [Value: Int32] = [:]
    /// The hash used for `keyRows` (a test forces collisions through it).
    var keyHash: (Value) -> Int = { $0.hashValue }
    var values: [Value]
    var problems: [Reject] = []
    /// Per slot: a text field that is not kept and has no `in [...]` list. Any text
    /// is valid for it, so only whether the cell is empty matters.
    let emptinessOnly: [Bool]
    /// Per slot, how its cells are read; and the date patterns those kinds refer to.
    let kinds: [CellReader.Kind]
    let patterns: [DatePattern]
    /// Per slot: the field has an `in [...]` list to check.
    let checksAllowed: [Bool]

    /// `keep`: the field slots to store (nil: all); the others are only checked.
    /// `expectedRows`: a guess of the row count, so the key index is not rebuilt as it grows.
    init(file: String, fields: [FieldPlan], columns: [Int?], keySlot: Int, keep: Set<Int>? = nil, expectedRows: Int = 0) {
        self.keyRows = Dictionary(minimumCapacity: expectedRows)
        self.file = file
        self.fields = fields
        self.columns = columns
        self.keySlot = keySlot
        let table = CustomerTable(types: fields.map(\.columnType), keep: keep)
        self.table = table
        self.values = Array(repeating: .none, count: fields.count)
        (self.kinds, self.patterns) = CellReader.kinds(fields)
        self.checksAllowed = fields.map { $0.allowed != nil }
        self.emptinessOnly = fields.indices.map { !table.keeps($0) && fields[$0].spec.type == .text && fields[$0].allowed == nil }
    }

    /// Adds one row read from `cells`.
    mutating func add<Source: CellSource>(line: Int, cells: Source) {
        problems.removeAll(keepingCapacity: true)
        // The hot loop passes only plain kinds: a `FieldPlan` passed per cell gets
        // copied, retaining every string and set in it (a third of the load time once).
        // Plans are looked at only for empty cells, `in [...]` lists and rejects.
        for slot in 0..<kinds.count {
            guard let column = columns[slot] else {
                empty(slot, line: line, cells: cells)
                continue
            }
            if emptinessOnly[slot] {
                if cells.isEmpty(column) { empty(slot, line: line, cells: cells) }
                continue
            }
            let kind = kinds[slot]
            switch cells.withCell(column, { CellReader.read($0, kind: kind, patterns: patterns) }) {
            case .value(let v):
                if checksAllowed[slot], let allowed = fields[slot].allowed, !allowed.contains(v) {
                    problems.append(reject(line, slot, cells, .valueNotAllowed, "one of \(allowedText(fields[slot]))"))
                }
                values[slot] = v
            case .empty:
                empty(slot, line: line, cells: cells)
            case .bad(let expected):
                problems.append(reject(line, slot, cells, .badCell, expected))
            }
        }
        if problems.isEmpty, let firstLine = earlierLine(of: values[keySlot]) {
            problems.append(reject(line, keySlot, cells, .duplicateKey, "a key no earlier row has (line \(firstLine) has it)"))
        }
        if problems.isEmpty {
            table.append(values, line: line)
        } else {
            rejectedRows += 1
            rejects.append(contentsOf: problems)
        }
    }

    /// The line of an earlier accepted row with this key, or nil (and the key is
    /// then recorded as the next row's, which the caller appends).
    mutating func earlierLine(of key: Value) -> Int32? {
        let row = Int32(table.count)
        let hash = keyHash(key)
        guard let other = keyRows[hash] else {
            keyRows[hash] = row
            return nil
        }
        if table.value(keySlot, Int(other)) == key { return table.lines[Int(other)] }
        if let collided = collidedKeys[key] { return table.lines[Int(collided)] }
        collidedKeys[key] = row
        return nil
    }

    /// An empty cell: the default, `none` for an optional field, or a reject.
    mutating func empty<Source: CellSource>(_ slot: Int, line: Int, cells: Source) {
        if let d = fields[slot].defaultValue { values[slot] = d }
        else if fields[slot].spec.optional { values[slot] = .none }
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
