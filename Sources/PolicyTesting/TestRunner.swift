import Foundation
import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime

/// Runs the `test` blocks of a checked policy.
public struct TestRunner {
    /// The date tests without `as of` run on.
    public var today: CivilDate
    /// Only tests whose name contains this text (ignoring case).
    public var filter: String?
    public private(set) var coverage = Coverage()

    public init(today: CivilDate, filter: String? = nil) {
        self.today = today
        self.filter = filter
    }

    /// Runs the tests declared in `file` (not those of files it `use`s).
    public mutating func run(_ policy: CheckedPolicy, file: SourceFile) -> [TestResult] {
        coverage.register(policy)
        var results: [TestResult] = []
        for test in policy.tests where test.span.file === file {
            if let filter, !test.name.lowercased().contains(filter.lowercased()) { continue }
            let started = Date()
            var result = run(test, policy: policy, path: file.path)
            result.seconds = Date().timeIntervalSince(started)
            results.append(result)
        }
        return results
    }

    mutating func run(_ test: TestSpec, policy: CheckedPolicy, path: String) -> TestResult {
        var result = TestResult(file: path, name: test.name, customers: 0, failures: [], checks: [], setupError: nil, seconds: 0)
        var asOf = today
        if case .date(let y, let m, let d)? = test.asOf, let date = CivilDate(year: y, month: m, day: d) { asOf = date }
        let (expressions, conditions) = ExpectationCheck.expressions(of: test)
        let (planned, bag) = Program.plan(policy, asOf: asOf, expressions: expressions)
        guard let program = planned else {
            result.setupError = bag.items.first?.message ?? "the policy cannot be planned"
            return result
        }
        let population: TestPopulation
        switch TestPopulation.build(test, program: program, policyPath: path) {
        case .success(let p): population = p
        case .failure(let error):
            result.setupError = error.message
            return result
        }
        let table = population.table
        result.customers = table.count
        let (aggregates, _) = AggregateResults.compute(program: program, table: table, orders: population.orders)
        let sent = HistoryIndex(program: program, records: test.sent.map {
            (customer: $0.customer, rule: $0.rule, action: $0.action, channel: $0.channel, asOf: $0.asOf, occasion: $0.occasion)
        })
        let quotas = QuotaAdmissions.compute(program, table: table, aggregates: aggregates, history: sent)
        var evaluator = Evaluator(program, table: table, aggregates: aggregates, history: sent, quotas: quotas)
        let outcomes = (0..<table.count).map { evaluator.outcome(row: $0) }
        for outcome in outcomes {
            coverage.mark(policy, labels: outcome.labels, firedRules: outcome.firedRules)
        }
        let checker = ExpectationCheck(program: program, conditions: conditions)
        let ids = (0..<table.count).map { evaluator.customerID($0) }

        for (index, expectation) in test.expectations.enumerated() {
            let (line, column) = expectation.span.file.location(of: expectation.span.start)
            let location = "\(expectation.span.file.path):\(line):\(column)"
            let text = expectation.span.text
            var rows = Array(0..<table.count)
            if let id = expectation.customer {
                rows = rows.filter { ids[$0] == id }
                if rows.isEmpty {
                    result.failures.append(TestFailure(location: location, expectation: text, customer: id,
                                                       actual: "no tested customer has the id `\(id)` (the ids are \(ids.map { "`\($0)`" }.joined(separator: ", ")))"))
                    result.checks.append((text, false))
                    continue
                }
            }
            var held = true
            for row in rows {
                if let actual = checker.failure(expectation.form, index: index, outcome: outcomes[row], row: row, evaluator: &evaluator) {
                    held = false
                    result.failures.append(TestFailure(location: location, expectation: text, customer: ids[row], actual: actual))
                }
            }
            result.checks.append((text, held))
        }
        for (row, location, expectation) in population.rowExpectations {
            let actual = checker.failure(expectation.form, index: nil, outcome: outcomes[row], row: row, evaluator: &evaluator)
            if let actual {
                result.failures.append(TestFailure(location: location, expectation: expectation.text, customer: ids[row], actual: actual))
            }
            result.checks.append(("\(ids[row]): \(expectation.text)", actual == nil))
        }
        if test.expectations.isEmpty && population.rowExpectations.isEmpty {
            result.setupError = "this test expects nothing: add `expect` lines, or `expect ...` columns to its customer file"
        }
        return result
    }
}
