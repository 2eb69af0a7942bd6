// Flattening parsed JSON objects into rows of text cells.

/// Accumulates flattened objects into a ``RawTable``.
struct RawTableBuilder {
    var columns: [String] = []
    var columnIndex: [String: Int] = [:]
    var columnLines: [Int] = []
    var records: [RawRecord] = []
    var problems: [RecordProblem] = []

    /// Flattens one object into a record. Iterative, so nesting depth costs no stack.
    mutating func add(_ members: [JSONMember], line: Int) {
        var cells: [String?] = Array(repeating: nil, count: columns.count)
        var stack: [(prefix: String, members: [JSONMember], next: Int)] = [("", members, 0)]
        while !stack.isEmpty {
            let top = stack.count - 1
            let index = stack[top].next
            guard index < stack[top].members.count else {
                stack.removeLast()
                continue
            }
            stack[top].next = index + 1
            let member = stack[top].members[index]
            let prefix = stack[top].prefix
            let name = prefix.isEmpty && top == 0 ? member.key : prefix + "." + member.key
            let text: String?
            switch member.value {
            case .object(let inner):
                stack.append((name, inner, 0))
                continue
            case .null: text = nil
            case .bool(let b): text = b ? "true" : "false"
            case .number(let literal): text = literal
            case .string(let s): text = s
            case .array: text = member.value.compactJSON
            }
            let column: Int
            if let known = columnIndex[name] {
                column = known
            } else {
                column = columns.count
                columns.append(name)
                columnLines.append(line)
                columnIndex[name] = column
            }
            if column >= cells.count { cells.append(contentsOf: repeatElement(nil, count: column + 1 - cells.count)) }
            cells[column] = text
        }
        records.append(RawRecord(line: line, cells: cells))
    }

    /// Pads early records to the final column count.
    mutating func finish() -> RawTable {
        let width = columns.count
        for k in records.indices where records[k].cells.count < width {
            records[k].cells.append(contentsOf: repeatElement(nil, count: width - records[k].cells.count))
        }
        return RawTable(columns: columns, records: records, problems: problems, columnLines: columnLines)
    }
}
