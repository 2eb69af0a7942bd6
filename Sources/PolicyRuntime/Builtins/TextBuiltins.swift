import PolicyValues
import PolicySemantics

/// `lower`, `upper`, `length` (in characters as a person counts them), `contains`,
/// `starts_with`, `ends_with` (case-sensitive).
enum TextBuiltins {
    static func call(_ builtin: Builtin, _ arguments: [Value]) -> Value {
        guard case .text(let t) = arguments[0] else { return .none }
        switch builtin {
        case .lower: return .text(t.lowercased())
        case .upper: return .text(t.uppercased())
        case .length: return .number(ExactDecimal(t.count))
        default:
            guard arguments.count == 2, case .text(let s) = arguments[1] else { return .none }
            switch builtin {
            case .contains: return .bool(s.isEmpty || t.contains(s))
            case .startsWith: return .bool(t.hasPrefix(s))
            default: return .bool(t.hasSuffix(s))
            }
        }
    }
}
