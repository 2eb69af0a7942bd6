import Foundation
import PolicySyntax
import PolicySemantics
import PolicyRuntime
import PolicyData

/// `policy run`: apply a policy to a customer file and write the actions to take.
enum RunCommand: Command {
    static let spec = CommandSpec(
        name: "run",
        overview: "Apply a policy to every customer in a file and write the actions to take.",
        arguments: [ArgumentSpec(name: "POLICY", help: "The .policy file to apply.")],
        options: [
            OptionSpec(name: "--customers", value: "FILE", help: "The customers: .csv, .tsv, .json, .jsonl/.ndjson, or - for standard input."),
            OptionSpec(name: "--as-of", value: "DATE", help: "The date rules are evaluated on (YYYY-MM-DD). Default: today."),
            OptionSpec(name: "--format", value: "csv|jsonl|json|table", help: "The output format. Default: csv."),
            OptionSpec(name: "--output", value: "FILE", help: "Write the actions to FILE (whole or not at all) instead of standard output."),
            OptionSpec(name: "--rejects", value: "FILE", help: "Write rejected rows, with the reason, to FILE as CSV."),
            OptionSpec(name: "--summary", value: nil, help: "Print counts of customers, rejects, labels and actions to standard error."),
            OptionSpec(name: "--strict", value: nil, help: "Write nothing when any row is rejected."),
            OptionSpec(name: "--input-format", value: "csv|tsv|json|jsonl", help: "The customer file's format, when its name does not say (standard input)."),
        ],
        usageOptions: ["--customers", "--as-of", "--format", "--output", "--rejects", "--summary", "--strict"],
        required: ["--customers"])

    static func execute(_ args: ParsedArguments, console: Console) -> ExitCode {
        let pipeline = Pipeline(console: console)
        let io = console.io
        var format = OutputFormat.csv
        if let text = args.values["--format"] {
            guard let f = OutputFormat(rawValue: text.lowercased()) else {
                console.error(.unknownFormat, "unknown output format `\(text)`",
                              help: "the formats are \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                return .usageOrPolicyError
            }
            format = f
        }
        let timings = io.timings
        guard let asOf = pipeline.asOf(args.values["--as-of"]),
              let loaded = timings.measure("read policy", { pipeline.loadPolicy(args.positionals[0]) }),
              let customers = timings.measure("read file", { pipeline.readCustomers(args.values["--customers"]!, format: args.values["--input-format"]) }),
              let policy = pipeline.check(loaded, customers: customers),
              let program = pipeline.plan(policy, asOf: asOf) else {
            return .usageOrPolicyError
        }
        let data: LoadResult
        let loadStarted = DispatchTime.now().uptimeNanoseconds
        do {
            // The loader takes the file over: its bytes go as soon as every row is read.
            data = try CustomerLoader.load(consume customers, fields: program.fields, keySlot: policy.schema.keySlot,
                                           keep: program.usedFields, workers: workerCount)
            timings?.add("load", Double(DispatchTime.now().uptimeNanoseconds - loadStarted) / 1e9)
        } catch {
            console.report(error)
            return .usageOrPolicyError
        }
        reportRejects(data, console: console)
        if let path = args.values["--rejects"] {
            do {
                try Files.writeAtomically(path) { sink in
                    var writer = CSVRecordWriter(sink: sink)
                    writer.begin(columns: Reject.columns)
                    for reject in data.rejects { writer.write(reject.fields) }
                }
            } catch {
                console.error(.unwritableFile, "cannot write the rejects file `\(path)`: \(reason(error))")
                return .usageOrPolicyError
            }
        }
        let strict = args.flag("--strict")
        if strict, data.rejectedRows > 0 {
            io.stderr.write("nothing written: \(data.rejectedRows) row\(data.rejectedRows == 1 ? " was" : "s were") rejected and --strict is on\n")
            return .rowsRejected
        }
        var statistics: RunStatistics? = nil
        let (aggregates, divisions) = timings.measure("aggregates") { AggregateResults.compute(program: program, table: data.table) }
        let write: (ByteSink) -> Void = { sink in
            var writer = format.writer(into: sink)
            writer.begin(columns: ActionRecord.columns)
            let started = sink.writeSeconds
            timings.measure("evaluate") {
                if let encoder = format.chunkEncoder {
                    statistics = PolicyRun.evaluateInChunks(program, on: data.table, aggregates: aggregates,
                                                            workers: workerCount, encoder: encoder) { bytes in
                        sink.write(bytes)
                    }
                } else {
                    statistics = PolicyRun.evaluate(program, on: data.table, aggregates: aggregates) { writer.write($0.fields) }
                }
                writer.finish()
                sink.flush()
            }
            statistics?.divisionsByZero += divisions
            // The seconds spent in the file system belong to "write", not "evaluate".
            timings?.add("write", sink.writeSeconds - started)
        }
        if let path = args.values["--output"] {
            do {
                try Files.writeAtomically(path, write)
            } catch {
                console.error(.unwritableFile, "cannot write the output file `\(path)`: \(reason(error))")
                return .usageOrPolicyError
            }
        } else {
            write(io.stdout)
            io.stdout.flush()
        }
        if args.flag("--summary"), let statistics {
            io.stderr.write(Summary.text(statistics, data: data, program: program))
        }
        io.keepUntilExit?(data)
        return data.rejectedRows > 0 ? .rowsRejected : .ok
    }

    /// Threads for evaluation: every core, or `POLICY_THREADS` (1 for a
    /// single-threaded run, to compare or to measure).
    static var workerCount: Int {
        if let text = ProcessInfo.processInfo.environment["POLICY_THREADS"], let n = Int(text), n >= 1 { return min(n, 64) }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    /// Rejects go to standard error, the first few in full.
    static func reportRejects(_ data: LoadResult, console: Console) {
        guard !data.rejects.isEmpty else { return }
        let shown = 10
        for reject in data.rejects.prefix(shown) { console.io.stderr.write(reject.message + "\n") }
        if data.rejects.count > shown {
            console.io.stderr.write("... and \(data.rejects.count - shown) more problems (write them all with --rejects FILE)\n")
        }
        console.io.stderr.write("\(data.rejectedRows) row\(data.rejectedRows == 1 ? "" : "s") rejected, \(data.table.count) customers evaluated\n")
    }

    static func reason(_ error: Error) -> String {
        (error as? FileFailure)?.reason ?? "\(error)"
    }
}
