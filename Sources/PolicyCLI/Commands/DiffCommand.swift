import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime

/// `policy diff OLD NEW`: what a change to a policy does, before it goes live
/// (SPEC section 8). The data is read and loaded once; both versions evaluate it.
enum DiffCommand: Command {
    static let spec = CommandSpec(
        name: "diff", overview: "Compare two versions of a policy on the same customers: labels that change, actions gained and lost.",
        arguments: [ArgumentSpec(name: "OLD", help: "The policy as it is."), ArgumentSpec(name: "NEW", help: "The policy as it would be.")],
        options: [
            OptionSpec(name: "--customers", value: "FILE", help: "The customers: .csv, .tsv, .json, .jsonl/.ndjson, or - for standard input."),
            OptionSpec(name: "--orders", value: "FILE", help: "The orders, when a version has an orders block."),
            OptionSpec(name: "--as-of", value: "DATE", help: "The date rules are evaluated on (YYYY-MM-DD). Default: today."),
            OptionSpec(name: "--format", value: "text|json", help: "How the differences are written. Default: text."),
            OptionSpec(name: "--input-format", value: "csv|tsv|json|jsonl", help: "The input files' format, when their names do not say (standard input)."),
        ],
        usageOptions: ["--customers", "--orders", "--as-of", "--format"])

    static func execute(_ args: ParsedArguments, console: Console) throws(Stop) -> ExitCode {
        let pipeline = Pipeline(console: console)
        let format = args.values["--format"] ?? "text"
        guard format == "text" || format == "json" else {
            console.usage(UsageError(message: "unknown diff format `\(format)`", help: "the formats are text and json"), command: spec)
            throw Stop(code: .usageOrPolicyError)
        }
        let asOf = try pipeline.asOf(args.values["--as-of"])
        let paths = (old: args.positionals[0], new: args.positionals[1])
        let (old, new, bag) = SharedFieldBlocks.share(try pipeline.loadPolicy(paths.old), try pipeline.loadPolicy(paths.new))
        if console.report(bag) { throw Stop(code: .usageOrPolicyError) }
        var (customers, orders) = try pipeline.readInputs(args, policy: new, command: spec)
        let oldProgram = try pipeline.plan(try pipeline.check(old, customers: customers), asOf: asOf)
        let newProgram = try pipeline.plan(try pipeline.check(new, customers: customers), asOf: asOf)
        let source = customers?.name ?? orders?.name ?? ""
        let workers = RunCommand.workerCount
        let data = try pipeline.load(customers: customers.take(), orders: orders.take(), newProgram,
                                     keep: newProgram.usedFields.union(oldProgram.usedFields), workers: workers)
        RunCommand.reportRejects(data, console: console)
        let orderTable = data.orders?.orders
        let oldAggregates = AggregateResults.compute(program: oldProgram, table: data.table, orders: orderTable, workers: workers).0
        let newAggregates = AggregateResults.compute(program: newProgram, table: data.table, orders: orderTable, workers: workers).0
        let diff = PolicyDiff.compare(old: oldProgram, oldAggregates: oldAggregates, new: newProgram, newAggregates: newAggregates,
                                      table: data.table, workers: workers)
        let report = DiffReport(diff: diff, old: paths.old, new: paths.new, source: source, asOf: asOf.iso, formatter: newProgram.formatter)
        console.io.stdout.write(format == "json" ? report.json : report.text)
        return .ok
    }
}
