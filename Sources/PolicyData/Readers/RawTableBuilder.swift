// Flattening parsed JSON objects into records of text cells.

/// Accumulates flattened objects into a ``RawTable``, one cell per value present.
struct RawTableBuilder {
    var columns: [String] = []
    var columnIndex: [String: Int] = [:]
    var columnLines: [Int] = []
    var columnRecords: [Int] = []
    var records: [RawRecord] = []
    var cellTexts: [String?] = []
    var cellColumns: [Int32] = []
    var problems: [RecordProblem] = []
    /// The columns of the record being added, in the order of its keys, and how deep
    /// in nested objects each was.
    private var recordColumns: [Int32] = []
    private var recordDepths: [Int] = []

    /// Flattens one object into a record. Iterative, so nesting depth costs no stack.
    /// A record that gives one column two values is a problem, not a record.
    /// `offset`: where the record starts in the file.
    mutating func add(_ members: [JSONMember], line: Int, offset: Int) {
        let start = cellTexts.count
        let columnsBefore = columns.count
        recordColumns.removeAll(keepingCapacity: true)
        recordDepths.removeAll(keepingCapacity: true)
        var ascending = true
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
            } else if columns.count < Int32.max {
                column = columns.count
                columns.append(name)
                columnLines.append(line)
                columnRecords.append(offset)
                columnIndex[name] = column
            } else {
                // INVARIANT: unreachable in memory today; kept as a problem rather than a trap.
                cellTexts.removeSubrange(start...)
                problems.append(RecordProblem(line: line, message: "the file has more than \(Int32.max) different keys",
                                              range: offset..<(offset + 1), recordStart: offset))
                return
            }
            if let last = recordColumns.last, last >= column { ascending = false }
            recordColumns.append(Int32(column))
            recordDepths.append(top)
            cellTexts.append(text)
        }
        if !ascending, let problem = sortCells(from: start) {
            // The record is left out whole, and so are the columns only it had.
            cellTexts.removeSubrange(start...)
            for name in columns[columnsBefore...] { columnIndex[name] = nil }
            columns.removeSubrange(columnsBefore...)
            columnLines.removeSubrange(columnsBefore...)
            columnRecords.removeSubrange(columnsBefore...)
            problems.append(RecordProblem(line: line, message: problem.message, kind: .duplicateKey(problem.name),
                                          range: offset..<(offset + 1), recordStart: offset))
            return
        }
        let count = cellTexts.count - start
        var columnsStart = -1
        if count > 0, recordColumns[0] != 0 || Int(recordColumns[count - 1]) != count - 1 {
            columnsStart = cellColumns.count
            cellColumns.append(contentsOf: recordColumns)
        }
        records.append(RawRecord(line: line, offset: offset, cells: start..<cellTexts.count, columnsStart: columnsStart))
    }

    /// Puts the cells of the record being added in column order; when a column comes
    /// twice, says which one instead.
    private mutating func sortCells(from start: Int) -> (name: String, message: String)? {
        let order = recordColumns.indices.sorted { (recordColumns[$0], $0) < (recordColumns[$1], $1) }
        for (a, b) in zip(order, order.dropFirst()) where recordColumns[a] == recordColumns[b] {
            let name = columns[Int(recordColumns[a])]
            let message = recordDepths[a] != recordDepths[b]
                ? "the record gives `\(name)` two values (a key with dots and a nested object name the same column)"
                : "the record has the key `\(name)` twice"
            return (name, message)
        }
        let texts = order.map { cellTexts[start + $0] }
        recordColumns = order.map { recordColumns[$0] }
        cellTexts.replaceSubrange(start..., with: texts)
        return nil
    }

    mutating func finish() -> RawTable {
        RawTable(columns: columns, records: records, cellTexts: cellTexts, cellColumns: cellColumns,
                 problems: problems, columnLines: columnLines, columnRecords: columnRecords)
    }
}
