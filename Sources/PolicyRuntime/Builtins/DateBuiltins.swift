import PolicyValues
import PolicySemantics

/// `days_since`, `days_until`, `next_anniversary`, `year`, `month`, `day`, `weekday`:
/// all relative to the run's as-of date, never the wall clock.
enum DateBuiltins {
    static func call(_ builtin: Builtin, _ arguments: [Value], asOf: CivilDate) -> Value {
        guard case .date(let d) = arguments[0] else { return .none }
        return call(builtin, date: d, asOf: asOf)
    }

    static func call(_ builtin: Builtin, date d: CivilDate, asOf: CivilDate) -> Value {
        switch builtin {
        case .daysSince: return .number(ExactDecimal(asOf.days(since: d)))
        case .daysUntil: return .number(ExactDecimal(d.days(since: asOf)))
        case .nextAnniversary: return .date(d.nextAnniversary(onOrAfter: asOf))
        case .year: return .number(ExactDecimal(d.year))
        case .month: return .number(ExactDecimal(d.month))
        case .day: return .number(ExactDecimal(d.day))
        case .weekday: return .number(ExactDecimal(d.weekday))
        default: return .none
        }
    }
}

extension Builtin {
    /// A date function of one date: the family `DateBuiltins` evaluates.
    var takesOneDate: Bool {
        switch self {
        case .daysSince, .daysUntil, .nextAnniversary, .year, .month, .day, .weekday: true
        default: false
        }
    }
}
