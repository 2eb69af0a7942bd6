import Foundation
import PolicySyntax
import PolicySemantics
import PolicyRuntime
import PolicyData
import PolicyFiles

/// `policy run`: apply a policy to a customer file and write the actions to take.
enum RunCommand: Command {
    static let spec = CommandSpec(
        name: "run",
        overview: "Apply a policy to every customer in a file and write the actions to take.",
        arguments: [ArgumentSpec(name: "POLICY", help: "The .policy file to apply.")],
        options: [
            OptionSpec(name: "--customers", value: "FILE", help: "The customers: .csv, .tsv, .json, .jsonl/.ndjson, or - for standard input."),
            OptionSpec(name: "--orders", value: "FILE",
                       help: "The orders, for a policy with an orders block (any format --customers takes). Without --customers, the customers are the orders' distinct keys."),
            OptionSpec(name: "--as-of", value: "DATE", help: "The date rules are evaluated on (YYYY-MM-DD). Default: today."),
            OptionSpec(name: "--format", value: "csv|jsonl|json|table", help: "The output format. Default: csv."),
            OptionSpec(name: "--output", value: "FILE", help: "Write the actions to FILE (whole or not at all) instead of standard output."),
            OptionSpec(name: "--rejects", value: "FILE", help: "Write rejected rows, with the reason, to FILE as CSV."),
            OptionSpec(name: "--history", value: "FILE",
                       help: "Read the actions of earlier runs from FILE, and record this run's there (whole or not at all)."),
            OptionSpec(name: "--dry-run", value: nil, help: "Read the --history file but record nothing in it."),
            OptionSpec(name: "--suppressed", value: "FILE",
                       help: "Write the actions rules produced that are not written (no usable channel, once, resolve, limit, quota, holdout), with the reason, to FILE as CSV."),
            OptionSpec(name: "--summary", value: nil, help: "Print counts of customers, rejects, labels and actions to standard error."),
            OptionSpec(name: "--strict", value: nil, help: "Write nothing when any row is rejected."),
            OptionSpec(name: "--input-format", value: "csv|tsv|json|jsonl", help: "The input files' format, when their names do not say (standard input)."),
        ],
        usageOptions: ["--customers", "--orders", "--as-of", "--format", "--output", "--rejects", "--summary", "--strict"])

    static func execute(_ args: ParsedArguments, console: Console) throws(Stop) -> ExitCode {
        let pipeline = Pipeline(console: console)
        let io = console.io
        var format = OutputFormat.csv
        if let text = args.values["--format"] {
            guard let f = OutputFormat(rawValue: text.lowercased()) else {
                console.error(.unknownFormat, "unknown output format `\(text)`",
                              help: "the formats are \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                throw Stop(code: .usageOrPolicyError)
            }
            format = f
        }
        let policyPath = args.positionals[0]
        guard args.values["--customers"] != nil || args.values["--orders"] != nil else {
            console.usage(UsageError(message: "missing --customers",
                                     help: "give the customers with --customers FILE (or, for a policy with an orders block, the orders with --orders FILE)"),
                          command: spec)
            throw Stop(code: .usageOrPolicyError)
        }
        let historyPath = args.values["--history"], dryRun = args.flag("--dry-run")
        if dryRun, historyPath == nil {
            console.usage(UsageError(message: "`--dry-run` needs `--history FILE`: it reads the history and records nothing"),
                          command: spec)
            throw Stop(code: .usageOrPolicyError)
        }
        let outputs = [("--output", args.values["--output"]), ("--rejects", args.values["--rejects"]),
                       ("--suppressed", args.values["--suppressed"]), ("--history", historyPath)]
            .compactMap { flag, path in path.map { (flag: flag, path: $0) } }
        try pipeline.checkOutputs(outputs, inputs: [policyPath] + ["--customers", "--orders"].compactMap { args.values[$0] })
        let timings = io.timings
        let asOf = try pipeline.asOf(args.values["--as-of"])
        let loaded = try timings.measure("read policy") { () throws(Stop) in try pipeline.loadPolicy(policyPath) }
        // The files a policy `use`s are inputs too.
        try pipeline.checkOutputs(outputs, inputs: loaded.files.map(\.source.path))
        var (customers, orders) = try timings.measure("read file") { () throws(Stop) in
            try pipeline.readInputs(args, policy: loaded, command: spec)
        }
        let policy = try pipeline.check(loaded, customers: customers)
        let program = try pipeline.plan(policy, asOf: asOf)
        // The history is read while the customers load; a run that records its
        // actions begins the history's next version as it reads it.
        let reading = historyPath.map { pipeline.startReadingHistory($0, for: program, recording: !dryRun) }
        defer { reading?.wait() }
        let loadStarted = DispatchTime.now().uptimeNanoseconds
        // The loader takes the file over: its bytes go as soon as every row is read.
        let data = try pipeline.load(customers: customers.take(), orders: orders.take(), program, keep: program.usedFields,
                                     workers: workerCount)
        timings?.add("load", Double(DispatchTime.now().uptimeNanoseconds - loadStarted) / 1e9)
        let (history, nextHistory) = try timings.measure("wait history") { () throws(Stop) in
            try reading.map { reading throws(Stop) in try reading.finish(pipeline) } ?? (nil, nil)
        }
        reportRejects(data, console: console)
        if let path = args.values["--rejects"] {
            try pipeline.write(path) { sink in
                var output = RecordOutput(.csv, columns: Reject.columns, into: sink)
                for reject in data.rejects { output.write(fields: reject.fields) }
                output.finish()
            }
        }
        let strict = args.flag("--strict")
        if strict, data.rejectedRows > 0 {
            console.note("nothing written: \(data.rejectedRows) row\(data.rejectedRows == 1 ? " was" : "s were") rejected and --strict is on")
            return .rowsRejected
        }
        var statistics: RunStatistics? = nil
        let (aggregates, divisions) = timings.measure("aggregates") {
            AggregateResults.compute(program: program, table: data.table, orders: data.orders?.orders, workers: workerCount)
        }
        // What earlier runs sent, for the rules that read it. This run's actions go into
        // the history's next version as they are written; it is committed after the output.
        let sent = history?.index
        let write: (ByteSink, ByteSink?) -> Void = { sink, suppressed in
            let started = sink.writeSeconds
            statistics = timings.measure("evaluate") {
                writeActions(program, data.table, aggregates: aggregates, format: format, workers: workerCount, into: sink,
                             suppressed: suppressed, history: sent, recordingInto: nextHistory?.sink)
            }
            statistics?.divisionsByZero += divisions
            // The seconds spent in the file system belong to "write", not "evaluate".
            timings?.add("write", sink.writeSeconds - started)
        }
        let writeOutput: (ByteSink?) throws(Stop) -> Void = { suppressed throws(Stop) in
            if let path = args.values["--output"] {
                try pipeline.write(path) { write($0, suppressed) }
            } else {
                write(io.stdout, suppressed)
            }
        }
        if let path = args.values["--suppressed"] {
            // Both files are written whole or not at all, each on its own.
            var failure: Stop? = nil
            try pipeline.write(path) { suppressed in
                do throws(Stop) { try writeOutput(suppressed) } catch { failure = error }
            }
            if let failure { throw failure }
        } else {
            try writeOutput(nil)
        }
        if let nextHistory {
            try timings.measure("history") { () throws(Stop) in try pipeline.commit(nextHistory) }
        }
        if args.flag("--summary"), let statistics {
            Summary.lines(statistics, data: data, program: program).forEach(console.note)
        }
        io.keepUntilExit?(data)
        return data.rejectedRows > 0 ? .rowsRejected : .ok
    }

    /// Evaluates every customer and writes the actions in `format`, in parallel chunks;
    /// the actions not written, with their reason, go to `suppressed` as CSV, and
    /// those written, as history records, to `recordingInto`.
    static func writeActions(_ program: Program, _ table: CustomerTable, aggregates: AggregateResults, format: OutputFormat,
                             workers: Int, into sink: ByteSink, suppressed: ByteSink? = nil, history sent: HistoryIndex? = nil,
                             recordingInto recorded: ByteSink? = nil) -> RunStatistics {
        var output = RecordOutput(format, columns: ActionRecord.columns, into: sink)
        var notWritten = suppressed.map { RecordOutput(.csv, columns: ActionRecord.columns + ["reason"], into: $0) }
        let side = SideOutputs(suppressed: notWritten.map { $0.format.encoder }, emitSuppressed: { notWritten?.write($0) },
                               history: recorded != nil ? CSVRecordEncoder(neutralisesFormulas: false) : nil,
                               emitHistory: { recorded?.write($0) })
        let statistics = PolicyRun.evaluateInChunks(program, on: table, aggregates: aggregates, workers: workers, history: sent,
                                                    encoder: format.encoder, side: side) { output.write($0) }

        output.finish()
        notWritten?.finish()
        sink.flush()
        suppressed?.flush()
        return statistics
    }

    /// Threads for evaluation: every core, or `POLICY_THREADS` (1 for a
    /// single-threaded run, to compare or to measure).
    static var workerCount: Int {
        if let text = ProcessInfo.processInfo.environment["POLICY_THREADS"], let n = Int(text), n >= 1 { return min(n, 64) }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    /// Rejects go to standard error as diagnostics, the first few of them, then a count.
    static func reportRejects(_ data: RunData, console: Console) {
        guard !data.rejects.isEmpty else { return }
        let shown = 10
        for reject in data.rejects.prefix(shown) { console.report(reject.diagnostic) }
        if data.rejects.count > shown {
            console.note("... and \(data.rejects.count - shown) more problems (write them all with --rejects FILE)")
        }
        let evaluated = data.table.count
        console.note("\(data.rejectedRows) row\(data.rejectedRows == 1 ? "" : "s") rejected, \(evaluated) customer\(evaluated == 1 ? "" : "s") evaluated")
    }
}
