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
            return .bool(holds(builtin, t, s))
        }
    }

    /// `contains`, `starts_with` or `ends_with` of `t` and `s`.
    static func holds(_ builtin: Builtin, _ t: String, _ s: String) -> Bool {
        switch builtin {
        case .contains: s.isEmpty || t.contains(s)
        case .startsWith: t.hasPrefix(s)
        default: t.hasSuffix(s)
        }
    }
}
