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
        /// Orders left out for want of a customer (`KeyCheck.customers`).
        var withoutCustomer = 0
        var keys: KeyCheck = .unique
    }

    /// The rejects of every piece in file order, duplicate keys across pieces included.
    /// `lineOffsets[k]`: what to add to piece k's lines. `keyCell(k, origin, line)`: the
    /// text and place of the key cell of piece k's row that came from `origin`, on `line`
    /// of the file, for a duplicate's reject (called in file order).
    static func rejects(_ pieces: [TableBuilder], keys: KeyCheck, lineOffsets: [Int], workers: Int,
                        keyCell: (Int, Int, Int) -> (text: String, place: DataPlace?)) -> Rejects {
        guard let checks = pieces.first?.checks else { return Rejects(keys: keys) }
        if case .customers = keys { return orderRejects(pieces, keys: keys, lineOffsets: lineOffsets, keyCell: keyCell) }
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

    /// The rejects of an orders file in file order: an order whose customer is not in
    /// the customer file is rejected; one whose customer cell is empty is left out
    /// and counted.
    static func orderRejects(_ pieces: [TableBuilder], keys: KeyCheck, lineOffsets: [Int],
                             keyCell: (Int, Int, Int) -> (text: String, place: DataPlace?)) -> Rejects {
        var result = Rejects(keys: keys)
        for k in pieces.indices {
            let piece = pieces[k]
            var unknown: [Reject] = []
            var dropped: [Int] = []
            var bad = piece.badRows[...]
            for row in 0..<piece.table.count {
                if bad.first == row { bad.removeFirst(); continue }
                let customer = piece.keyHashes[row]
                guard customer < 0 else { continue }
                dropped.append(row)
                if customer == -2 {
                    result.withoutCustomer += 1
                    continue
                }
                let line = lineOffsets[k] + Int(piece.table.lines[row])
                let key = keyCell(k, piece.origins[row], line)
                var reject = piece.checks.reject(line, piece.checks.keySlot, .unknownOrderCustomer,
                                                 "the key of a customer in the customer file", raw: { _ in key.text })
                reject.place = key.place
                unknown.append(reject)
            }
            result.rejectedRows += unknown.count + piece.rejectedRows
            let own = piece.rejects.map { $0.movingLines(by: lineOffsets[k]) }
            result.rejects.append(contentsOf: mergedByLine(own, unknown))
            result.dropping.append(mergedAscending(piece.badRows, dropped))
        }
        return result
    }

    /// Joins the pieces' tables in file order without the rows `rejects` leaves out.
    /// The pieces are emptied as their columns are copied into the result.
    static func join(_ pieces: inout [TableBuilder], _ rejects: Rejects, lineOffsets: [Int], workers: Int) -> LoadResult {
        guard let checks = pieces.first?.checks else {
            return LoadResult(table: CustomerTable(fieldCount: 0), rejects: [], rejectedRows: 0)
        }
        // Orders found in a customer file: placed by customer at once, from the pieces.
        if let lookup = rejects.keys.lookup {
            var tables: [CustomerTable] = []
            var customers: [[Int32]] = []
            for k in pieces.indices {
                var rows = pieces[k].keyHashes.map { Int32(truncatingIfNeeded: $0) }
                for row in rejects.dropping[k] { rows[row] = -1 }
                customers.append(rows)
                tables.append(pieces[k].table)
                pieces[k] = TableBuilder(checks: checks, keep: [])
            }
            let orders = OrderTable(parts: &tables, customers: customers, lineOffsets: lineOffsets, customerCount: lookup.count,
                                    workers: workers)
            var result = LoadResult(table: CustomerTable(fieldCount: 0), rejects: rejects.rejects, rejectedRows: rejects.rejectedRows,
                                    withoutCustomer: rejects.withoutCustomer)
            result.orders = orders
            return result
        }
        var tables: [CustomerTable] = []
        for k in pieces.indices {
            tables.append(pieces[k].table)
            // Release the piece's share of its columns, so `joining` can free each once copied.
            pieces[k] = TableBuilder(checks: checks, keep: [])
        }
        let table = CustomerTable.joining(&tables, dropping: rejects.dropping, lineOffsets: lineOffsets, workers: workers)
        return LoadResult(table: table, rejects: rejects.rejects, rejectedRows: rejects.rejectedRows,
                          withoutCustomer: rejects.withoutCustomer)
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
