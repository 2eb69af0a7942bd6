import Foundation
import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime
@testable import PolicyData

/// Awkward customer files and a plain row-by-row reading of them, to hold the
/// piecewise, column-at-a-time loader to.
enum LoadFixture {
    /// id text key, name text, spend money = 0, joined date?, visits int?, plan text in
    /// ["gold", "silver"], note text? and tag text (both not kept).
    static let fields: [FieldPlan] = [
        FieldPlan(spec: FieldSpec(name: "id", type: .text, isKey: true)),
        FieldPlan(spec: FieldSpec(name: "name", type: .text)),
        FieldPlan(spec: FieldSpec(name: "spend", type: .money, defaultValue: .number("0")), defaultValue: .number(.zero)),
        FieldPlan(spec: FieldSpec(name: "joined", type: .date, optional: true)),
        FieldPlan(spec: FieldSpec(name: "visits", type: .int, optional: true)),
        FieldPlan(spec: FieldSpec(name: "plan", type: .text, allowed: [.text("gold"), .text("silver")]),
                  allowed: [.text("gold"), .text("silver")]),
        FieldPlan(spec: FieldSpec(name: "note", type: .text, optional: true)),
        FieldPlan(spec: FieldSpec(name: "tag", type: .text)),
    ]
    static let keep: Set<Int> = [0, 1, 2, 3, 4, 5]
    static let header = "id,name,spend,joined,visits,plan,note,tag"

    /// `rows` records of every kind of trouble, deterministic for a seed.
    static func csv(rows: Int, seed: UInt64, lineEnd: String = "\n") -> String {
        var random = seed
        func next(_ n: Int) -> Int {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            return Int((random >> 33) % UInt64(n))
        }
        let names = ["Ann", "\"Lee, Bo\"", "\"Say \"\"hi\"\"\"", "\"two\nlines\"", "王芳", "\"欧阳, 娜\"", "  Zoë  ", "\"a\r\nb,\"\"c\"\"\""]
        let spends = ["12.50", "$1,234.00", "", "abc", "7", "99999999999999999999.5"]
        let dates = ["2024-02-29", "", "2023-02-30", "2020-01-01", "2024-02-29T10:00:00Z", "2023-02-30T10:00", "2020-01-01T25:00"]
        let visits = ["3", "", "2.5", "x"]
        let plans = ["gold", "silver", "bronze", ""]
        let notes = ["", "plain", "\"quoted\nnote, \"\"x\"\"\"", "长 note"]
        var text = header + lineEnd
        for i in 0..<rows {
            // Mostly good rows, so that pieces hold long runs between the bad ones.
            let good = next(10) < 7
            let id = next(40) == 0 && i > 0 ? "C\(next(i))" : "C\(i)"
            let name = names[next(names.count)]
            let spend = good ? "12.50" : spends[next(spends.count)]
            let joined = good ? "2020-01-01" : dates[next(dates.count)]
            let visit = good ? "3" : visits[next(visits.count)]
            let plan = good ? "gold" : plans[next(plans.count)]
            var cells = [id, name, spend, joined, visit, plan, notes[next(notes.count)], good || next(2) == 0 ? "t" : " "]
            switch next(60) {
            case 0: cells.removeLast()
            case 1: cells.append("extra")
            case 2: text += lineEnd
            default: break
            }
            text += cells.joined(separator: ",") + lineEnd
        }
        return text
    }

    /// Blank cells: nothing left once spaces, tabs and line ends are trimmed.
    static let blanks = ["", " ", "\t", "\n", "\r\n", " \n\t "]

    /// `rows` records of the fields' columns, deterministic for a seed: mostly good,
    /// some cells bad, some blank (in every way `blanks` has), some missing (nil).
    static func records(rows: Int, seed: UInt64) -> [[String?]] {
        var random = seed
        func next(_ n: Int) -> Int {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            return Int((random >> 33) % UInt64(n))
        }
        let names = ["Ann", "Lee, Bo", "Say \"hi\"", "two\nlines", "王芳", "  Zoë  ", " \n", nil]
        let spends = ["12.50", "$1,234.00", "", "abc", "7", "\n", nil]
        let dates = ["2024-02-29", "", "2023-02-30", "\t", nil]
        let visits = ["3", "", "2.5", "x", nil]
        let plans = ["gold", "silver", "bronze", "", "\n"]
        let notes = ["", "plain", "quoted\nnote, \"x\"", "长 note", nil]
        var out: [[String?]] = []
        for i in 0..<rows {
            let good = next(10) < 7
            let id = next(40) == 0 && i > 0 ? "C\(next(i))" : "C\(i)"
            let tag: String? = good || next(3) == 0 ? "t" : next(8) == 0 ? nil : blanks[next(blanks.count)]
            out.append([id, names[next(names.count)], good ? "12.50" : spends[next(spends.count)],
                        good ? "2020-01-01" : dates[next(dates.count)], good ? "3" : visits[next(visits.count)],
                        good ? "gold" : plans[next(plans.count)], notes[next(notes.count)], tag])
        }
        return out
    }

    /// Records as a file of `format`: CSV quotes every cell (a missing one is empty);
    /// JSON and JSON Lines leave a missing cell's key out.
    static func render(_ records: [[String?]], as format: InputFormat) -> String {
        let names = fields.map(\.spec.header)
        switch format {
        case .csv, .tsv:
            let separator = format == .csv ? "," : "\t"
            func quoted(_ cell: String?) -> String { "\"" + (cell ?? "").replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            return names.joined(separator: separator) + "\n"
                + records.map { $0.map(quoted).joined(separator: separator) + "\n" }.joined()
        case .json, .jsonl:
            func string(_ text: String) -> String {
                var out = "\""
                for scalar in text.unicodeScalars {
                    switch scalar {
                    case "\"": out += "\\\""
                    case "\\": out += "\\\\"
                    case "\n": out += "\\n"
                    case "\r": out += "\\r"
                    case "\t": out += "\\t"
                    default: out.unicodeScalars.append(scalar)
                    }
                }
                return out + "\""
            }
            let objects = records.map { cells in
                "{" + zip(names, cells).compactMap { name, cell in cell.map { string(name) + ": " + string($0) } }
                    .joined(separator: ", ") + "}"
            }
            return format == .jsonl ? objects.map { $0 + "\n" }.joined() : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
        }
    }

    /// The place of byte `offset` of `bytes`, counted from the file's start: only its
    /// line and column, which is what `dump` shows.
    static func place(_ offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> DataPlace {
        let position = ReaderPosition.of(offset: offset, in: bytes)
        return DataPlace(line: position.line, column: position.column, excerpt: [], start: 0, end: 0)
    }

    /// The load, read row by row in file order with a plain index of keys: the rules
    /// the loader had before it read in pieces.
    static func reference(_ file: CustomerFile, fields: [FieldPlan], keySlot: Int, keep: Set<Int>?) throws -> LoadResult {
        var reader = try CSVReader(bytes: file.bytes)
        let columns = fields.map { f in reader.header.firstIndex(of: f.spec.header) }
        var table = CustomerTable(types: fields.map(\.columnType), keep: keep)
        let checks = FieldChecks(file: file.name, fields: fields, columns: columns, keySlot: keySlot, kept: table.keeps)
        let (kinds, patterns) = CellReader.kinds(fields)
        var rejects: [Reject] = []
        var rejectedRows = 0
        var keys: [Value: Int] = [:]
        var record = CSVRecord()
        file.bytes.withUnsafeBufferPointer { bytes in
            while true {
                do throws(CSVError) {
                    guard try reader.next(into: &record) else { break }
                } catch {
                    rejectedRows += 1
                    // The place of the quote that never closes.
                    var reject = checks.rowReject(line: error.line, id: "", code: .malformedFile,
                                                  expected: "the file cannot be read from here on: \(error.message)")
                    reject.place = DataPlace(line: error.line, column: error.column, excerpt: [], start: 0, end: 0)
                    rejects.append(reject)
                    break
                }
                let cells = record.fields.withUnsafeBufferPointer { Array($0) }
                cells.withUnsafeBufferPointer { f in
                    let source = CSVCells(bytes: bytes, fields: f)
                    guard f.count == reader.header.count else {
                        rejectedRows += 1
                        let id = columns[keySlot].flatMap { $0 < f.count ? source.raw($0) : nil } ?? ""
                        rejects.append(checks.rowReject(line: record.line, id: id, code: .fieldCount,
                                                        expected: "the row has \(f.count) cells, but the header has \(reader.header.count)",
                                                        place: DataPlace(line: record.line, column: 1, excerpt: [], start: 0, end: 0)))
                        return
                    }
                    var values: [Value] = []
                    var problems: [Reject] = []
                    // A cell's place: where it starts, a quoted one at its opening quote.
                    func placed(_ reject: Reject, _ slot: Int) -> Reject {
                        var placed = reject
                        placed.place = columns[slot].map { f[$0].quoted ? f[$0].start - 1 : f[$0].start }.map { place($0, in: bytes) }
                        return placed
                    }
                    for slot in fields.indices {
                        let outcome = columns[slot].map { c in
                            source.withCell(c) { CellReader.read($0, kind: kinds[slot], patterns: patterns) }
                        } ?? .empty
                        switch outcome {
                        case .value(let v):
                            if let allowed = fields[slot].allowed, !allowed.contains(v) {
                                problems.append(placed(checks.reject(record.line, slot, source, .valueNotAllowed, "one of \(checks.allowedText(slot))"), slot))
                            }
                            values.append(v)
                        case .empty:
                            if let v = checks.emptyValues[slot] { values.append(v) } else {
                                problems.append(placed(checks.reject(record.line, slot, source, .emptyRequiredCell, "a value"), slot))
                                values.append(.none)
                            }
                        case .bad(let expected):
                            problems.append(placed(checks.reject(record.line, slot, source, .badCell, expected), slot))
                            values.append(.none)
                        }
                    }
                    if problems.isEmpty, let first = keys[values[keySlot]] {
                        problems.append(placed(checks.reject(record.line, keySlot, source, .duplicateKey, "a key no earlier row has (line \(first) has it)"), keySlot))
                    }
                    if problems.isEmpty {
                        keys[values[keySlot]] = record.line
                        table.append(values, line: record.line)
                    } else {
                        rejectedRows += 1
                        rejects.append(contentsOf: problems)
                    }
                }
            }
        }
        return LoadResult(table: table, rejects: rejects, rejectedRows: rejectedRows)
    }

    /// Every cell, line and reject of a load, as text to compare.
    static func dump(_ result: LoadResult, slots: Int) -> [String] {
        let table = result.table
        var lines = (0..<table.count).map { row in
            "\(table.lines[row]): " + (0..<slots).map { "\(table.value($0, row))" }.joined(separator: " | ")
        }
        lines += result.rejects.map { reject in
            let place = reject.place.map { "@\($0.line):\($0.column)" } ?? "@-"
            return reject.fields.joined(separator: " | ") + " [\(reject.code.rawValue)] " + place
        }
        lines.append("rejected rows: \(result.rejectedRows)")
        return lines
    }
}

extension Reject {
    /// The first line of the reject's diagnostic, as a message quotes it.
    var headline: String { DiagnosticRenderer().headline(diagnostic) }
}
