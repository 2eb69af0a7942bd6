import Foundation
import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime
import PolicyData
import PolicyFiles

/// The customers a test runs on: its inline records, then the rows of its
/// `customers "file"` files, together (aggregates see all of them). Rows of a file
/// may carry expectations of their own in `expect ...` columns. Their orders: the
/// inline `order { ... }` records, then the rows of `orders "file"` files; a test
/// that gives no customers takes them from its orders.
struct TestPopulation {
    var table: CustomerTable
    var orders: OrderTable? = nil
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
        if program.policy.orders != nil {
            if let error = population.addOrders(test, program: program, folder: folder) { return .failure(error) }
        }
        return .success(population)
    }

    /// Reads the test's orders and finds each one's customer among the test's
    /// customers (or, when the test gives none, makes it one).
    mutating func addOrders(_ test: TestSpec, program: Program, folder: String) -> TestSetupError? {
        // INVARIANT: called for a policy with an orders block.
        let customerSlot = program.policy.orders?.keySlot ?? 0
        let keySlot = program.policy.schema.keySlot
        let fromOrders = test.customers.isEmpty && test.customerFiles.isEmpty
        var rows: [Value: Int32] = [:]
        for row in 0..<table.count { rows[table.value(keySlot, row)] = rows[table.value(keySlot, row)] ?? Int32(row) }
        var orders = CustomerTable(fieldCount: program.orderFields.count)
        var customers: [Int32] = []
        // Adds one order, found its customer; false when the customer is not tested.
        func add(_ values: [Value], line: Int) -> Bool {
            let key = values[customerSlot]
            if key.isNone { return true }
            var row = rows[key]
            if row == nil, fromOrders {
                var customer = program.fields.map { $0.defaultValue ?? .none }
                customer[keySlot] = key
                row = Int32(table.count)
                rows[key] = row
                table.append(customer, line: line)
            }
            guard let row else { return false }
            orders.append(values, line: line)
            customers.append(row)
            return true
        }
        func unknown(_ values: [Value], at place: String) -> TestSetupError {
            let key = values[customerSlot]
            return TestSetupError(message: "the order at \(place) is for customer `\(program.formatter.text(key, as: program.orderFields[customerSlot].spec.type.valueType))`, and no customer of the test has that key")
        }
        for record in test.orders {
            var values = program.orderFields.map { $0.defaultValue ?? .none }
            for (slot, literal) in record.values { values[slot] = literal.value ?? .none }
            let (line, column) = record.span.file.location(of: record.span.start)
            if !add(values, line: line) { return unknown(values, at: "\(record.span.file.path):\(line):\(column)") }
        }
        for (path, _) in test.orderFiles {
            let full = path.hasPrefix("/") || folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
            guard let format = InputFormat(path: full) else {
                return TestSetupError(message: "cannot tell the format of `\(path)` from its name")
            }
            let loaded: LoadResult
            do {
                let file = try CustomerFile.read(InputFile.open(full), name: full, format: format, memory: MemoryBudget.available())
                loaded = try CustomerLoader.load(file.inUTF8(), fields: program.orderFields, keySlot: customerSlot,
                                                 keys: .customers(nil))
            } catch let error as FileError {
                let place = full == path ? "" : " (looked for `\(full)`)"
                return TestSetupError(message: "cannot read the orders file `\(path)`\(place): \(error.reason)")
            } catch let error as DataError {
                return TestSetupError(message: DiagnosticRenderer().headline(error.diagnostic))
            } catch {
                return TestSetupError(message: "cannot read the orders file `\(path)`")
            }
            if let first = loaded.rejects.first {
                return TestSetupError(message: "\(loaded.rejectedRows) row(s) of `\(path)` cannot be read: \(DiagnosticRenderer().headline(first.diagnostic))")
            }
            for row in 0..<loaded.table.count {
                let values = (0..<program.orderFields.count).map { loaded.table.value($0, row) }
                let line = Int(loaded.table.lines[row])
                if !add(values, line: line) { return unknown(values, at: "\(full):\(line)") }
            }
        }
        self.orders = OrderTable(table: orders, customers: customers, customerCount: table.count)
        return nil
    }
}

/// Why a test could not run.
struct TestSetupError: Error {
    var message: String
}
