import PolicyValues
import PolicySemantics

/// `min`, `max`, `abs`, `round` (half away from zero).
enum NumberBuiltins {
    static func call(_ builtin: Builtin, _ arguments: [Value]) -> Value {
        switch builtin {
        case .min, .max:
            guard let c = Value.compare(arguments[0], arguments[1]) else { return .none }
            return (builtin == .min) == (c <= 0) ? arguments[0] : arguments[1]
        case .abs:
            guard case .number(let n) = arguments[0] else { return .none }
            return .number(n.magnitude)
        case .round:
            guard case .number(let n) = arguments[0], case .number(let p) = arguments[1],
                  let places = p.intValue, abs(places) <= 30 else { return .none }
            return .number(n.rounded(places: places))
        default:
            return .none
        }
    }
}
