import PolicyRuntime
import PolicyData

/// The `--summary` report: what was read, rejected, labelled and done.
enum Summary {
    static func text(_ s: RunStatistics, data: LoadResult, program: Program) -> String {
        var out = "summary:\n"
        out += "  customers read      \(data.rowsRead)\n"
        out += "  customers rejected  \(data.rejectedRows)\n"
        out += "  customers evaluated \(s.customers)\n"
        for (index, segment) in program.policy.segments.enumerated() {
            var parts = segment.labels.enumerated().map { "\($1) \(s.labelCounts[index][$0])" }
            if s.unlabelled[index] > 0 { parts.append("none \(s.unlabelled[index])") }
            out += "  segment \(segment.name): \(parts.joined(separator: ", "))\n"
        }
        let total = s.actionCounts.values.reduce(0, +)
        out += "  actions written     \(total)\n"
        for (action, count) in s.actionCounts.sorted(by: { $0.key < $1.key }) {
            out += "    \(action) \(count)\n"
        }
        if s.divisionsByZero > 0 { out += "  divisions by zero   \(s.divisionsByZero) (each gave none)\n" }
        if s.skippedNoValue > 0 { out += "  actions without a value, not written \(s.skippedNoValue)\n" }
        return out
    }
}
