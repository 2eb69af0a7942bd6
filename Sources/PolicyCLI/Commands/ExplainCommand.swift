import PolicySyntax
import PolicySemantics
import PolicyRuntime
import PolicyData

/// `policy explain`: why one customer got (or did not get) each action.
enum ExplainCommand: Command {
    static let spec = CommandSpec(
        name: "explain", overview: "Explain, for one customer, the label of each segment and why each rule fired or not.",
        arguments: [ArgumentSpec(name: "POLICY", help: "The .policy file.")],
        options: [
            OptionSpec(name: "--customers", value: "FILE", help: "The customer file (the whole file is loaded: ranks and means need everyone)."),
            OptionSpec(name: "--orders", value: "FILE", help: "The orders, for a policy with an orders block; without --customers, the customers are the orders'."),
            OptionSpec(name: "--id", value: "ID", help: "The key of the customer to explain."),
            OptionSpec(name: "--as-of", value: "DATE", help: "The date rules are evaluated on (YYYY-MM-DD). Default: today."),
            OptionSpec(name: "--input-format", value: "csv|tsv|json|jsonl", help: "The customer file's format, when its name does not say."),
            OptionSpec(name: "--history", value: "FILE", help: "The actions of earlier runs (as `policy run --history` records them), read only."),
        ],
        usageOptions: ["--customers", "--orders", "--id", "--as-of"],
        required: ["--id"])

    static func execute(_ args: ParsedArguments, console: Console) throws(Stop) -> ExitCode {
        let pipeline = Pipeline(console: console)
        let id = args.values["--id"]!
        let asOf = try pipeline.asOf(args.values["--as-of"])
        let loaded = try pipeline.loadPolicy(args.positionals[0])
        guard args.values["--customers"] != nil || args.values["--orders"] != nil else {
            console.usage(UsageError(message: "missing --customers", help: "give the customers with --customers FILE"), command: spec)
            throw Stop(code: .usageOrPolicyError)
        }
        var (customers, orders) = try pipeline.readInputs(args, policy: loaded, command: spec)
        let source = customers?.name ?? orders?.name ?? ""
        let parts = Explainer.conditionParts(loaded)
        let (policy, bound) = try pipeline.check(loaded, customers: customers, extra: parts)
        let program = try pipeline.plan(policy, asOf: asOf, expressions: bound.map(\.expression))
        let data = try pipeline.load(customers: customers.take(), orders: orders.take(), program, keep: program.usedFields)
        let (aggregates, _) = AggregateResults.compute(program: program, table: data.table, orders: data.orders?.orders)
        let finder = Evaluator(program, table: data.table, aggregates: aggregates)
        guard let row = (0..<data.table.count).first(where: { finder.customerID($0) == id }) else {
            if let reject = data.rejects.first(where: { $0.customerID == id }) {
                console.error(.unknownCustomer, "the row of customer `\(id)` was rejected, so it was not evaluated", help: DiagnosticRenderer().headline(reject.diagnostic))
            } else {
                let sample = (0..<min(data.table.count, 10_000)).map { finder.customerID($0) }
                console.error(.unknownCustomer, "no customer has the id `\(id)` in `\(source)`",
                              help: Suggest.closest(to: id, among: sample).map { "did you mean `\($0)`?" })
            }
            return .usageOrPolicyError
        }
        let explainer = Explainer(loaded: loaded, policy: policy, program: program, parts: parts, bound: bound)
        let history = try args.values["--history"].map { path throws(Stop) in try pipeline.readHistory(path, for: program) }
        let explanation = explainer.explain(row: row, table: data.table, aggregates: aggregates,
                                            history: history?.index,
                                            source: "\(source) line \(data.table.lines[row])")
        console.io.stdout.write(explanation.text)
        return .ok
    }
}
