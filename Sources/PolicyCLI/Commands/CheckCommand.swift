import PolicyValues
import PolicySemantics
import PolicyRuntime
import PolicyData

/// `policy check`: every static error in a policy, and the warnings of `Linter`,
/// without running it.
enum CheckCommand: Command {
    static let spec = CommandSpec(
        name: "check",
        overview: "Report every error and warning in a policy without running it.",
        arguments: [ArgumentSpec(name: "POLICY", help: "The .policy file to check.")],
        options: [
            OptionSpec(name: "--customers", value: "FILE", help: "Also check that this file has every column the policy reads."),
            OptionSpec(name: "--orders", value: "FILE", help: "Also check that this orders file has every column the orders block reads."),
            OptionSpec(name: "--input-format", value: "csv|tsv|json|jsonl", help: "The customer file's format, when its name does not say."),
            OptionSpec(name: "--warnings-as-errors", value: nil, help: "Fail (exit code 2) when there are warnings."),
        ],
        usageOptions: ["--customers", "--orders", "--warnings-as-errors"])

    static func execute(_ args: ParsedArguments, console: Console) throws(Stop) -> ExitCode {
        let pipeline = Pipeline(console: console)
        let loaded = try pipeline.loadPolicy(args.positionals[0])
        var customers: CustomerFile? = nil
        if let path = args.values["--customers"] {
            customers = try pipeline.readCustomers(path, format: args.values["--input-format"])
        }
        // The as-of date does not change what is valid; any date plans the policy.
        let policy = try pipeline.check(loaded, customers: customers)
        let program = try pipeline.plan(policy, asOf: CivilDate(daysSinceEpoch: 0))
        let lint = Linter.report(loaded, policy)
        let warnings = lint.warnings
        console.report(warnings)
        var orders: CustomerFile? = nil
        if let path = args.values["--orders"] {
            guard policy.orders != nil else {
                console.usage(UsageError(message: "`--orders` gives orders, and this policy has no orders block",
                                         help: "declare the orders' fields in an `orders { ... }` block, or leave out --orders"), command: spec)
                throw Stop(code: .usageOrPolicyError)
            }
            orders = try pipeline.readCustomers(path, format: args.values["--input-format"])
        }
        if customers != nil || orders != nil {
            // Every cell is checked; none is kept but the key.
            _ = try pipeline.load(customers: customers, orders: orders, program, keep: [])
        }
        let counts = [
            (policy.schema.fields.count, "field"), (policy.lets.count, "let"), (policy.segments.count, "segment"),
            (policy.rules.count, "rule"), (policy.tests.count, "test"),
        ].map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
        let warningCount = warnings.items.count + warnings.dropped
        var noted = warningCount == 0 ? "" : ", \(warningCount) warning\(warningCount == 1 ? "" : "s")"
        if lint.allowed > 0 {
            noted += warningCount > 0 ? ", \(lint.allowed) allowed" : ", \(lint.allowed) warning\(lint.allowed == 1 ? "" : "s") allowed"
        }
        if warningCount > 0, args.flag("--warnings-as-errors") {
            console.io.stderr.write("error: `\(args.positionals[0])` has \(warningCount) warning\(warningCount == 1 ? "" : "s"), and --warnings-as-errors makes them errors\n")
            return .usageOrPolicyError
        }
        console.io.stdout.write("\(args.positionals[0]): ok (\(counts.joined(separator: ", ")))\(noted)\n")
        return .ok
    }
}
