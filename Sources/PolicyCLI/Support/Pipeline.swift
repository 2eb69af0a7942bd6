import PolicySyntax
import PolicySemantics
import PolicyRuntime
import PolicyData

/// The steps `run`, `check` and `explain` share: read the policy and the customer
/// file, check, plan, load. Each step reports its own errors and returns nil when
/// the command must stop with exit code 2.
struct Pipeline {
    let console: Console
    var io: IO { console.io }

    func loadPolicy(_ path: String) -> LoadedPolicy? {
        let loaded: LoadedPolicy
        let bag: DiagnosticBag
        do {
            (loaded, bag) = try PolicyLoader.load(path: path)
        } catch {
            if case .unreadable(let p, let reason) = error {
                console.error(.unreadableFile, "cannot read the policy file `\(p)`: \(reason)")
            }
            return nil
        }
        return console.report(bag) ? nil : loaded
    }

    func readCustomers(_ path: String, format: String?) -> CustomerFile? {
        var chosen: InputFormat? = nil
        if let format {
            guard let f = InputFormat(rawValue: format.lowercased()) else {
                console.error(.unknownFormat, "unknown input format `\(format)`",
                              help: "the input formats are \(InputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            chosen = f
        }
        if path == "-" {
            return CustomerFile(name: "<stdin>", bytes: io.readStandardInput(), format: chosen ?? .csv)
        }
        guard let format = chosen ?? InputFormat(path: path) else {
            console.error(.unknownFormat, "cannot tell the format of `\(path)` from its name",
                          help: "name it .csv, .tsv, .json or .jsonl, or pass --input-format")
            return nil
        }
        switch Files.read(path) {
        case .success(let bytes):
            return CustomerFile(name: path, bytes: bytes, format: format)
        case .failure(let failure):
            console.error(.unreadableFile, "cannot read the customer file `\(path)`: \(failure.reason)")
            return nil
        }
    }

    /// Checks the policy; without a `customer` block the fields come from `customers`.
    func check(_ loaded: LoadedPolicy, customers: CustomerFile?) -> CheckedPolicy? {
        check(loaded, customers: customers, extra: [])?.policy
    }

    /// The same, binding `extra` expressions of the policy too (for `explain`).
    func check(_ loaded: LoadedPolicy, customers: CustomerFile?, extra: [Expression]) -> (policy: CheckedPolicy, extra: [Typed])? {
        var inferred: Schema? = nil
        let hasBlock = loaded.declarations.contains { if case .customer = $0 { true } else { false } }
        if !hasBlock, let customers {
            do {
                inferred = try SchemaInference.infer(customers)
            } catch {
                console.report(error)
                return nil
            }
        }
        let (policy, bound, bag) = Checker.check(loaded, inferredSchema: inferred, extra: extra)
        if console.report(bag) { return nil }
        return policy.map { ($0, bound) }
    }

    func plan(_ policy: CheckedPolicy, asOf: CivilDate) -> Program? {
        let (program, bag) = Program.plan(policy, asOf: asOf)
        if console.report(bag) { return nil }
        return program
    }

    /// The as-of date: `--as-of`, or today.
    func asOf(_ text: String?) -> CivilDate? {
        guard let text else {
            let (y, m, d) = io.today()
            return CivilDate(year: y, month: m, day: d)
        }
        guard let date = CivilDate(iso: text) else {
            console.error(.invalidAsOf, "`--as-of \(text)` is not a date", help: "write it as YYYY-MM-DD, as in --as-of 2026-11-22")
            return nil
        }
        return date
    }
}
