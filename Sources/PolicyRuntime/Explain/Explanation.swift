/// Why one customer got the actions they got, in plain language: the values used,
/// each segment's label and why earlier labels did not match, each rule that fired
/// or the first condition that failed, near misses, and what was not written (and why).
public struct Explanation: Sendable {
    public struct Step: Sendable {
        public var subject: String
        public var verdict: String
    }

    public var customerID: String
    public var source: String
    public var asOf: String
    /// Fields and lets the policy uses, with this customer's values.
    public var values: [(name: String, value: String, definition: String?)]
    /// Per segment: its name, the label given, and label by label why.
    public var segments: [(name: String, label: String, steps: [Step])]
    /// Per rule, in file order.
    public var rules: [(name: String, fired: Bool, detail: [String])]
    public var nearMisses: [String]
    /// The actions rules produced that are not written, with the reason.
    public var suppressed: [String]

    /// The explanation as the terminal shows it.
    public var text: String {
        var out = "Customer \(customerID) (\(source)), as of \(asOf)\n"
        if !values.isEmpty {
            out += "\nValues used:\n"
            let nameWidth = values.map(\.name.count).max() ?? 0
            let valueWidth = values.map { $0.value.count }.max() ?? 0
            for v in values {
                var line = "  " + v.name + String(repeating: " ", count: nameWidth - v.name.count) + "  " + v.value
                if let definition = v.definition {
                    line += String(repeating: " ", count: valueWidth - v.value.count) + "  = " + definition
                }
                out += line + "\n"
            }
        }
        for segment in segments {
            out += "\nSegment \(segment.name): \(segment.label)\n"
            for step in segment.steps { out += "  \(step.subject): \(step.verdict)\n" }
        }
        if !rules.isEmpty {
            out += "\nRules:\n"
            for rule in rules {
                out += "  \(rule.fired ? "fired     " : "not fired ") \"\(rule.name)\"\n"
                for line in rule.detail { out += "             \(line)\n" }
            }
        }
        if !nearMisses.isEmpty {
            out += "\nNear misses:\n"
            for miss in nearMisses { out += "  \(miss)\n" }
        }
        if !suppressed.isEmpty {
            out += "\nNot written:\n"
            for line in suppressed { out += "  \(line)\n" }
        }
        return out
    }
}
