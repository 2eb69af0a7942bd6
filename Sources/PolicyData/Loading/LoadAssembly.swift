import PolicyRuntime

/// Joins the pieces of a load, read on their own, into the result of one reading in
/// file order: lines rebased, duplicate keys found across pieces, rejects in order.
enum LoadAssembly {
    /// What joining the pieces leaves out, and why.
    struct Rejects {
        var rejects: [Reject] = []
        var rejectedRows = 0
        /// Per piece: its rows to leave out, ascending.
        var dropping: [[Int]] = []
    }

    /// The rejects of every piece in file order, duplicate keys across pieces included.
    /// `lineOffsets[k]`: what to add to piece k's lines. `keyCell(k, origin, line)`: the
    /// text and place of the key cell of piece k's row that came from `origin`, on `line`
    /// of the file, for a duplicate's reject (called in file order).
    static func rejects(_ pieces: [TableBuilder], lineOffsets: [Int], workers: Int,
                        keyCell: (Int, Int, Int) -> (text: String, place: DataPlace?)) -> Rejects {
        guard let checks = pieces.first?.checks else { return Rejects() }
        let duplicates = KeyIndex.duplicates(in: pieces, keySlot: checks.keySlot, workers: workers)
        var result = Rejects(rejectedRows: duplicates.count)
        var next = duplicates[...]
        for k in pieces.indices {
            var repeated: [Reject] = []
            var repeatedRows: [Int] = []
            while let d = next.first, d.piece == k {
                next = next.dropFirst()
                let line = lineOffsets[k] + Int(pieces[k].table.lines[d.row])
                let firstLine = lineOffsets[d.firstPiece] + Int(pieces[d.firstPiece].table.lines[d.firstRow])
                let key = keyCell(k, pieces[k].origins[d.row], line)
                var reject = checks.reject(line, checks.keySlot, .duplicateKey,
                                           "a key no earlier row has (line \(firstLine) has it)", raw: { _ in key.text })
                reject.place = key.place
                repeated.append(reject)
                repeatedRows.append(d.row)
            }
            let own = pieces[k].rejects.map { $0.movingLines(by: lineOffsets[k]) }
            result.rejects.append(contentsOf: mergedByLine(own, repeated))
            result.dropping.append(mergedAscending(pieces[k].badRows, repeatedRows))
            result.rejectedRows += pieces[k].rejectedRows
        }
        return result
    }

    /// Joins the pieces' tables in file order without the rows `rejects` leaves out.
    /// The pieces are emptied as their columns are copied into the result.
    static func join(_ pieces: inout [TableBuilder], _ rejects: Rejects, lineOffsets: [Int], workers: Int) -> LoadResult {
        guard let checks = pieces.first?.checks else {
            return LoadResult(table: CustomerTable(fieldCount: 0), rejects: [], rejectedRows: 0)
        }
        var tables: [CustomerTable] = []
        for k in pieces.indices {
            tables.append(pieces[k].table)
            // Release the piece's share of its columns, so `joining` can free each once copied.
            pieces[k] = TableBuilder(checks: checks, keep: [])
        }
        let table = CustomerTable.joining(&tables, dropping: rejects.dropping, lineOffsets: lineOffsets, workers: workers)
        return LoadResult(table: table, rejects: rejects.rejects, rejectedRows: rejects.rejectedRows)
    }

    // INVARIANT: a row's rejects share its line and no two rows share a line, and a row
    // with a duplicate key has no other reject; so merging by line is file order.
    static func mergedByLine(_ a: [Reject], _ b: [Reject]) -> [Reject] {
        guard !b.isEmpty else { return a }
        var merged: [Reject] = []
        merged.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].line <= b[j].line) {
                merged.append(a[i]); i += 1
            } else {
                merged.append(b[j]); j += 1
            }
        }
        return merged
    }

    static func mergedAscending(_ a: [Int], _ b: [Int]) -> [Int] {
        b.isEmpty ? a : (a + b).sorted()
    }
}
