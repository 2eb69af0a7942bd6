import PolicyValues
import PolicySemantics

/// Prints values the way the output and messages show them: money with two
/// decimals, percentages as `15%`, dates as ISO, `none` as nothing.
public struct ValueFormatter: Sendable {
    /// The label names of each segment, by segment index.
    public let labels: [[String]]

    public init(labels: [[String]]) {
        self.labels = labels
    }

    public func text(_ value: Value, as type: ValueType) -> String {
        switch value {
        case .none: return ""
        case .bool(let b): return b ? "true" : "false"
        case .text(let t): return t
        case .date(let d): return d.iso
        case .duration(let d): return d.text
        case .label(let index):
            if case .label(let s) = type, labels.indices.contains(s), labels[s].indices.contains(index) {
                return labels[s][index]
            }
            return String(index)
        case .number(let n):
            switch type {
            case .money: return n.formatted(fractionDigits: 2)
            case .percent: return n.percentText()
            default: return n.description
            }
        }
    }
}
