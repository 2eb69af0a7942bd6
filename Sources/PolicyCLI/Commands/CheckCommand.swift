import PolicySemantics
import PolicyRuntime
import PolicyData

/// `policy check`: every static error in a policy, without running it.
enum CheckCommand: Command {
    static let spec = CommandSpec(
        name: "check",
        overview: "Report every error in a policy without running it.",
        arguments: [ArgumentSpec(name: "POLICY", help: "The .policy file to check.")],
        options: [
            OptionSpec(name: "--customers", value: "FILE", help: "Also check that this file has every column the policy reads."),
            OptionSpec(name: "--input-format", value: "csv|tsv|json|jsonl", help: "The customer file's format, when its name does not say."),
        ],
        usageOptions: ["--customers"])

    static func execute(_ args: ParsedArguments, console: Console) -> ExitCode {
        let pipeline = Pipeline(console: console)
        guard let loaded = pipeline.loadPolicy(args.positionals[0]) else { return .usageOrPolicyError }
        var customers: CustomerFile? = nil
        if let path = args.values["--customers"] {
            guard let file = pipeline.readCustomers(path, format: args.values["--input-format"]) else { return .usageOrPolicyError }
            customers = file
        }
        // The as-of date does not change what is valid; any date plans the policy.
        guard let policy = pipeline.check(loaded, customers: customers),
              let program = pipeline.plan(policy, asOf: CivilDate(daysSinceEpoch: 0)) else {
            return .usageOrPolicyError
        }
        if let customers {
            do {
                _ = try CustomerLoader.load(customers, fields: program.fields, keySlot: policy.schema.keySlot)
            } catch {
                console.report(error)
                return .usageOrPolicyError
            }
        }
        let counts = [
            (policy.schema.fields.count, "field"), (policy.lets.count, "let"), (policy.segments.count, "segment"),
            (policy.rules.count, "rule"), (policy.tests.count, "test"),
        ].map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
        console.io.stdout.write("\(args.positionals[0]): ok (\(counts.joined(separator: ", ")))\n")
        return .ok
    }
}
