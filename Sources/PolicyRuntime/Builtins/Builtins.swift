import PolicyValues
import PolicySemantics

/// Dispatches a built-in call to its family. Arguments are never `none` here: any
/// `none` argument makes the call `none` before it gets this far.
enum Builtins {
    static func call(_ builtin: Builtin, _ arguments: [Value], asOf: CivilDate) -> Value {
        if builtin.takesOneDate { return DateBuiltins.call(builtin, arguments, asOf: asOf) }
        return switch builtin {
        case .min, .max, .abs, .round:
            NumberBuiltins.call(builtin, arguments)
        case .lower, .upper, .length, .contains, .startsWith, .endsWith:
            TextBuiltins.call(builtin, arguments)
        default:
            Value.none
        }
    }
}
