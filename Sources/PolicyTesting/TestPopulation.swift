import Foundation
import PolicySyntax
import PolicySemantics
import PolicyRuntime
import PolicyData
import PolicyFiles

/// The customers a test runs on: its inline records, then the rows of its
/// `customers "file"` files, together (aggregates see all of them). Rows of a file
/// may carry expectations of their own in `expect ...` columns.
struct TestPopulation {
    var table: CustomerTable
    /// Expectations from `expect ...` columns, with the row they are about.
    var rowExpectations: [(row: Int, location: String, expectation: CaseExpectation)] = []

    /// Builds the population, or says why it cannot be built.
    static func build(_ test: TestSpec, program: Program, policyPath: String) -> Result<TestPopulation, TestSetupError> {
        let schema = program.policy.schema
        var table = CustomerTable(fieldCount: schema.fields.count)
        for record in test.customers {
            var values = program.fields.map { $0.defaultValue ?? .none }
            for (slot, literal) in record.values {
                values[slot] = literal.value ?? .none
            }
            table.append(values, line: record.span.file.location(of: record.span.start).line)
        }
        var population = TestPopulation(table: table)
        let folder = (policyPath as NSString).deletingLastPathComponent
        for (path, _) in test.customerFiles {
            let full = path.hasPrefix("/") || folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
            guard let format = InputFormat(path: full) else {
                return .failure(TestSetupError(message: "cannot tell the format of `\(path)` from its name"))
            }
            var file: CustomerFile
            do {
                file = try CustomerFile.read(InputFile.open(full), name: full, format: format, memory: MemoryBudget.available())
            } catch {
                let place = full == path ? "" : " (looked for `\(full)`)"
                return .failure(TestSetupError(message: "cannot read the customer file `\(path)`\(place): \(error.reason)"))
            }
            let loaded: LoadResult
            do {
                // UTF-8 from here on, for the loader and for the `expect` columns alike.
                file = try file.inUTF8()
                loaded = try CustomerLoader.load(file, fields: program.fields, keySlot: schema.keySlot)
            } catch {
                return .failure(TestSetupError(message: DiagnosticRenderer().headline(error.diagnostic)))
            }
            if let first = loaded.rejects.first {
                return .failure(TestSetupError(message: "\(loaded.rejectedRows) row(s) of `\(path)` cannot be read: \(DiagnosticRenderer().headline(first.diagnostic))"))
            }
            let offset = population.table.count
            for row in 0..<loaded.table.count {
                population.table.append((0..<schema.fields.count).map { loaded.table.value($0, row) }, line: Int(loaded.table.lines[row]))
            }
            switch CaseColumns.read(file, program: program) {
            case .failure(let error): return .failure(error)
            case .success(let byLine):
                for row in 0..<loaded.table.count {
                    let line = Int(loaded.table.lines[row])
                    for (column, expectation) in byLine[line] ?? [] {
                        population.rowExpectations.append((offset + row, "\(full):\(line):\(column)", expectation))
                    }
                }
            }
        }
        return .success(population)
    }
}

/// Why a test could not run.
struct TestSetupError: Error {
    var message: String
}
