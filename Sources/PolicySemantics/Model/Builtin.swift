/// The built-in functions evaluated per customer. Population aggregates are separate
/// (`AggregateKind`): they are computed once over the whole customer base.
public enum Builtin: String, Sendable, CaseIterable {
    case daysSince = "days_since", daysUntil = "days_until", nextAnniversary = "next_anniversary"
    case year, month, day, weekday
    case min, max, abs, round
    case lower, upper, length, contains
    case startsWith = "starts_with", endsWith = "ends_with"
}

/// The population aggregates, computed over every loaded customer before any rule
/// runs.
public enum AggregateKind: String, Sendable, CaseIterable {
    case percentRank = "percent_rank", ntile, mean, median, sum, count
    /// The share of the base's total held by the customers at or above each one (SPEC section 7).
    case cumulativeShare = "cumulative_share"
    /// As SQL `CUME_DIST()`: the fraction of customers at or below each one.
    case cumeDist = "cume_dist"
    /// Over a customer's orders only (SPEC section 5); `min` and `max` of two values are builtins.
    case min, max, distinct, first, last

    /// Whether each customer gets their own value (a rank) rather than one shared value.
    public var isPerCustomer: Bool { [.percentRank, .ntile, .cumulativeShare, .cumeDist].contains(self) }
}
