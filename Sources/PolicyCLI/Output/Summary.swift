import PolicyRuntime
import PolicyData

/// The `--summary` report: what was read, rejected, labelled and done.
enum Summary {
    /// The report's lines.
    static func lines(_ s: RunStatistics, data: RunData, program: Program) -> [String] {
        var out = ["summary:"]
        if data.customersRead {
            out.append("  customers read      \(data.customers.rowsRead)")
            out.append("  customers rejected  \(data.customers.rejectedRows)")
        }
        if let orders = data.orders {
            out.append("  orders read         \(orders.rowsRead)")
            out.append("  orders rejected     \(orders.rejectedRows)")
            if orders.withoutCustomer > 0 { out.append("  orders without a customer \(orders.withoutCustomer)") }
        }
        out.append("  customers evaluated \(s.customers)")
        for (index, segment) in program.policy.segments.enumerated() {
            var parts = segment.labels.enumerated().map { "\($1) \(s.labelCounts[index][$0])" }
            if s.unlabelled[index] > 0 { parts.append("none \(s.unlabelled[index])") }
            out.append("  segment \(segment.name): \(parts.joined(separator: ", "))")
        }
        let total = s.actionCounts.values.reduce(0, +)
        out.append("  actions written     \(total)")
        for (action, count) in s.actionCounts.sorted(by: { $0.key < $1.key }) {
            out.append("    \(action) \(count)")
        }
        if s.divisionsByZero > 0 { out.append("  divisions by zero   \(s.divisionsByZero) (each gave none)") }
        let suppressed = s.suppressed.reduce(0, +)
        if suppressed > 0 {
            out.append("  actions not written \(suppressed)")
            for (name, count) in zip(s.suppressionNames, s.suppressed) where count > 0 { out.append("    \(name) \(count)") }
        }
        if s.skippedNoValue > 0 { out.append("  actions without a value, not written \(s.skippedNoValue)") }
        return out
    }
}
