import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime
import PolicyData
import PolicyFiles

/// A command stops: what was wrong has been reported, the exit code says what kind
/// of failure it was.
struct Stop: Error {
    var code: ExitCode
}

/// The steps `run`, `check` and `explain` share: read the policy and the customer
/// file, check, plan, load. Each step reports its own errors and throws `Stop`.
struct Pipeline {
    let console: Console
    var io: IO { console.io }

    func loadPolicy(_ path: String) throws(Stop) -> LoadedPolicy {
        let loaded: LoadedPolicy
        let bag: DiagnosticBag
        do {
            (loaded, bag) = try PolicyLoader.load(path: path)
        } catch {
            throw console.report(error)
        }
        if console.report(bag) { throw Stop(code: .usageOrPolicyError) }
        return loaded
    }

    /// Reads the customer file, or standard input for `-`: refused at once when its
    /// first block is not text, and before it is read (a stream: once it has passed
    /// the bound) when this machine could not hold it while it is used.
    func readCustomers(_ path: String, format: String?) throws(Stop) -> CustomerFile {
        var chosen: InputFormat? = nil
        if let format {
            guard let f = InputFormat(rawValue: format.lowercased()) else {
                console.error(.unknownFormat, "unknown input format `\(format)`",
                              help: "the input formats are \(InputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                throw Stop(code: .usageOrPolicyError)
            }
            chosen = f
        }
        guard let format = chosen ?? (path == "-" ? .csv : InputFormat(path: path)) else {
            console.error(.unknownFormat, "cannot tell the format of `\(path)` from its name",
                          help: "name it .csv, .tsv, .json or .jsonl, or pass --input-format")
            throw Stop(code: .usageOrPolicyError)
        }
        do throws(FileError) {
            let input = path == "-" ? try io.standardInput() : try InputFile.open(path)
            return try CustomerFile.read(input, name: path == "-" ? "<stdin>" : path, format: format, memory: io.availableMemory())
        } catch {
            throw console.report(error)
        }
    }

    /// The files a run reads: `--customers` and `--orders`, at least one of them; the
    /// orders exactly when the policy has an orders block, and without customers only
    /// when it has no customer block (the customers are then the orders' own).
    func readInputs(_ args: ParsedArguments, policy loaded: LoadedPolicy, command: CommandSpec) throws(Stop) -> (customers: CustomerFile?, orders: CustomerFile?) {
        let customersPath = args.values["--customers"], ordersPath = args.values["--orders"]
        let hasOrders = loaded.declarations.contains { if case .orders = $0 { true } else { false } }
        let hasCustomers = loaded.declarations.contains { if case .customer = $0 { true } else { false } }
        if ordersPath != nil, !hasOrders {
            console.usage(UsageError(message: "`--orders` gives orders, and this policy has no orders block",
                                     help: "declare the orders' fields in an `orders { ... }` block, or leave out --orders"), command: command)
            throw Stop(code: .usageOrPolicyError)
        }
        if hasOrders, ordersPath == nil {
            console.usage(UsageError(message: "this policy reads orders: pass --orders FILE", help: nil), command: command)
            throw Stop(code: .usageOrPolicyError)
        }
        if customersPath == nil, !hasOrders || hasCustomers {
            let message = hasCustomers ? "this policy declares a customer block: pass --customers FILE" : "pass --customers FILE"
            console.usage(UsageError(message: message, help: hasOrders
                ? "without --customers, the customers are the orders' distinct keys, for a policy without a customer block" : nil),
                          command: command)
            throw Stop(code: .usageOrPolicyError)
        }
        if customersPath == "-", ordersPath == "-" {
            console.usage(UsageError(message: "`--customers -` and `--orders -` cannot both read standard input",
                                     help: "give one of them as a file"), command: command)
            throw Stop(code: .usageOrPolicyError)
        }
        let format = args.values["--input-format"]
        let customers = try customersPath.map { path throws(Stop) in try readCustomers(path, format: format) }
        let orders = try ordersPath.map { path throws(Stop) in try readCustomers(path, format: format) }
        return (customers, orders)
    }

    /// Checks the policy; without a `customer` block the fields come from `customers`.
    func check(_ loaded: LoadedPolicy, customers: CustomerFile?) throws(Stop) -> CheckedPolicy {
        try check(loaded, customers: customers, extra: []).policy
    }

    /// The same, binding `extra` expressions of the policy too (for `explain`).
    func check(_ loaded: LoadedPolicy, customers: CustomerFile?, extra: [Expression]) throws(Stop) -> (policy: CheckedPolicy, extra: [Typed]) {
        var inferred: Schema? = nil
        let hasBlock = loaded.declarations.contains { if case .customer = $0 { true } else { false } }
        if !hasBlock, let customers {
            do {
                inferred = try SchemaInference.infer(customers)
            } catch {
                console.report(error)
                throw Stop(code: .usageOrPolicyError)
            }
        }
        let (policy, bound, bag) = Checker.check(loaded, inferredSchema: inferred, extra: extra)
        if console.report(bag) { throw Stop(code: .usageOrPolicyError) }
        guard let policy else { throw Stop(code: .usageOrPolicyError) }
        return (policy, bound)
    }

    func plan(_ policy: CheckedPolicy, asOf: CivilDate, expressions: [CheckedExpression] = []) throws(Stop) -> Program {
        let (program, bag) = Program.plan(policy, asOf: asOf, expressions: expressions)
        if console.report(bag) { throw Stop(code: .usageOrPolicyError) }
        guard let program else { throw Stop(code: .usageOrPolicyError) }
        return program
    }

    /// Loads the customers and, for a policy with an orders block, the orders (each
    /// against the program's fields), customers first: each order finds its customer
    /// as it is read. Without a customer file the customers are the orders'.
    func load(customers: consuming CustomerFile?, orders: consuming CustomerFile?, _ program: Program,
              keep: Set<Int>? = nil, workers: Int = 1) throws(Stop) -> RunData {
        var data = RunData(customers: LoadResult(table: program.makeTable(), rejects: [], rejectedRows: 0), orders: nil)
        var given = false
        if let customers = customers.take() {
            data.customers = try load(customers, program, keep: keep, workers: workers)
            given = true
            data.customersRead = true
        }
        guard let orders = orders.take() else { return data }
        do throws(DataError) {
            let loaded = try OrderLoader.load(orders, program: program, customers: given ? data.customers.table : nil, workers: workers)
            data.customers.table = loaded.customers
            data.orders = loaded
        } catch {
            console.report(error)
            throw Stop(code: .usageOrPolicyError)
        }
        return data
    }

    /// Loads the customers against the program's fields.
    func load(_ customers: consuming CustomerFile, _ program: Program, keep: Set<Int>? = nil, workers: Int = 1) throws(Stop) -> LoadResult {
        do {
            return try CustomerLoader.load(customers, fields: program.fields, keySlot: program.policy.schema.keySlot,
                                           keep: keep, workers: workers)
        } catch {
            console.report(error)
            throw Stop(code: .usageOrPolicyError)
        }
    }

    /// The as-of date: `--as-of`, or today.
    func asOf(_ text: String?) throws(Stop) -> CivilDate {
        guard let text else {
            let (y, m, d) = io.today()
            // INVARIANT: the system's calendar gives real dates; 1970-01-01 is never used.
            return CivilDate(year: y, month: m, day: d) ?? CivilDate(daysSinceEpoch: 0)
        }
        guard let date = CivilDate(iso: text) else {
            console.error(.invalidAsOf, "`--as-of \(text)` is not a date", help: "write it as YYYY-MM-DD, as in --as-of 2026-11-22")
            throw Stop(code: .usageOrPolicyError)
        }
        return date
    }

    /// Refuses, before anything is read, outputs that would overwrite an input or
    /// each other: `outputs` are (flag, path), `inputs` the files the command reads.
    func checkOutputs(_ outputs: [(flag: String, path: String)], inputs: [String]) throws(Stop) {
        for (k, output) in outputs.enumerated() {
            for input in inputs where input != "-" && OutputFile.overwrites(output.path, input) {
                console.error(.outputIsInput, "`\(output.flag) \(output.path)` would overwrite the input file `\(input)`",
                              help: "write the output to another file")
                throw Stop(code: .usageOrPolicyError)
            }
            for other in outputs[..<k] where OutputFile.sameFile(output.path, other.path) {
                console.error(.outputIsInput, "`\(other.flag)` and `\(output.flag)` name the same file `\(output.path)`",
                              help: "give each output a file of its own")
                throw Stop(code: .usageOrPolicyError)
            }
        }
    }

    /// The history of earlier runs, as `program` reads it (missing: empty).
    func readHistory(_ path: String, for program: Program) throws(Stop) -> ActionHistory {
        do {
            return try ActionHistory.read(path, for: program)
        } catch {
            throw report(error)
        }
    }

    /// Starts reading the history of earlier runs, as `program` reads it, on a thread
    /// of its own (the customers load meanwhile). When `recording`, the file's next
    /// version is begun too: its records but the run's own date's copied as they are
    /// read, waiting for the run's to be added and committed (the file is as it was
    /// until then).
    func startReadingHistory(_ path: String, for program: Program, recording: Bool) -> HistoryReader {
        HistoryReader(path: path, program: program, recording: recording, timings: io.timings)
    }

    /// Reports why a history cannot be used, and the stop.
    func report(_ error: HistoryError) -> Stop {
        switch error {
        case .file(let fileError): return console.report(fileError)
        case .malformed(let dataError):
            console.report(dataError)
            return Stop(code: .usageOrPolicyError)
        }
    }

    /// Writes an output file whole or not at all (`OutputFile`).
    func write(_ path: String, _ body: (ByteSink) -> Void) throws(Stop) {
        do {
            try OutputFile.write(path, body)
        } catch {
            throw console.report(error)
        }
    }

    /// Makes what was written into `output` the file.
    func commit(_ output: OutputFile.Pending) throws(Stop) {
        do {
            try output.commit()
        } catch {
            throw console.report(error)
        }
    }
}

/// What a run has read: the customers, and the orders when the policy has an orders block.
struct RunData {
    var customers: LoadResult
    var orders: OrderLoad?
    /// A customer file was read (without one, the customers are the orders').
    var customersRead = false

    var table: CustomerTable { customers.table }
    /// The rejects of both files: the customers', then the orders'.
    var rejects: [Reject] { customers.rejects + (orders?.rejects ?? []) }
    var rejectedRows: Int { customers.rejectedRows + (orders?.rejectedRows ?? 0) }
}
