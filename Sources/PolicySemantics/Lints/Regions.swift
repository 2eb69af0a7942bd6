import PolicyValues
import PolicySyntax

/// What the condition lints know about the values a customer may have: per subject (a
/// field, a let, any expression compared with constants), the region of values a
/// conjunction of facts leaves open. Regions are kept merged, one per subject, so that
/// a conjunction of a thousand thresholds on `spend` stays as small as one.
extension Conditions {
    /// A constant a condition compares with.
    enum Constant: Hashable {
        case number(ExactDecimal)
        /// A date as days-like ordinal (only its order matters).
        case date(Int)
        case text(String)
        case bool(Bool)
        case label(segment: Int, index: Int)
        /// Durations and anything else: compared for equality only.
        case other(String)
    }

    /// One end of a range of values.
    struct Limit: Hashable {
        var value: Constant
        var inclusive: Bool
    }

    /// One fact about a subject, by the subject's id (`Conditions.subject`).
    enum Fact {
        /// `subject op constant` with op one of `= != < <= > >=`; true only when the subject has a value.
        case compare(Int, BinaryOperator, Constant)
        /// `subject in [..]` / `not in`; true only when the subject has a value.
        case member(Int, Set<Constant>, negated: Bool)
        /// `subject is none` (true) or `is not none` (false).
        case none(Int, Bool)

        var subject: Int {
            switch self {
            case .compare(let s, _, _), .member(let s, _, _), .none(let s, _): s
            }
        }
    }

    /// What the facts of one conjunction say about one subject.
    struct Region: Hashable {
        var mustBeNone = false
        var mustHaveValue = false
        var lower: Limit?
        var upper: Limit?
        var allowed: Set<Constant>?
        var excluded: Set<Constant> = []

        init() {}

        init(_ fact: Fact) {
            switch fact {
            case .none(_, let isNone):
                if isNone { mustBeNone = true } else { mustHaveValue = true }
            case .member(_, let set, let negated):
                mustHaveValue = true
                if negated { excluded = set } else { allowed = set }
            case .compare(_, let op, let c):
                mustHaveValue = true
                switch op {
                case .equal: allowed = [c]
                case .notEqual: excluded = [c]
                case .greater, .greaterEqual: lower = Limit(value: c, inclusive: op == .greaterEqual)
                case .less, .lessEqual: upper = Limit(value: c, inclusive: op == .lessEqual)
                default: break
                }
            }
        }

        /// The values both regions allow. Limits that cannot be ordered (text
        /// compared with `<`) keep the first one, which can only make it larger.
        func intersection(_ other: Region) -> Region {
            var r = self
            r.mustBeNone = mustBeNone || other.mustBeNone
            r.mustHaveValue = mustHaveValue || other.mustHaveValue
            if let b = other.lower {
                if let a = lower, let order = Region.order(b.value, a.value) {
                    if order > 0 || (order == 0 && !b.inclusive) { r.lower = b }
                } else if lower == nil {
                    r.lower = b
                }
            }
            if let b = other.upper {
                if let a = upper, let order = Region.order(b.value, a.value) {
                    if order < 0 || (order == 0 && !b.inclusive) { r.upper = b }
                } else if upper == nil {
                    r.upper = b
                }
            }
            if let b = other.allowed { r.allowed = allowed.map { $0.intersection(b) } ?? b }
            r.excluded.formUnion(other.excluded)
            return r
        }

        /// A region holding both (and perhaps more): the customers either allows. Used
        /// only to keep a form small, where being larger is safe (see `Conditions.widened`).
        func hull(_ other: Region) -> Region {
            var r = Region()
            // INVARIANT: a region is never impossible, so one that must be none allows no value.
            r.mustHaveValue = mustHaveValue && other.mustHaveValue
            if mustBeNone && other.mustBeNone { r.mustBeNone = true; return r }
            if mustBeNone || other.mustBeNone {
                let values = mustBeNone ? other : self
                r.lower = values.lower; r.upper = values.upper
                r.allowed = values.allowed; r.excluded = values.excluded
                return r
            }
            if let a = lower, let b = other.lower, let order = Region.order(a.value, b.value) {
                r.lower = order < 0 ? a : order > 0 ? b : Limit(value: a.value, inclusive: a.inclusive || b.inclusive)
            }
            if let a = upper, let b = other.upper, let order = Region.order(a.value, b.value) {
                r.upper = order > 0 ? a : order < 0 ? b : Limit(value: a.value, inclusive: a.inclusive || b.inclusive)
            }
            if let a = allowed, let b = other.allowed { r.allowed = a.union(b) }
            r.excluded = excluded.intersection(other.excluded)
            return r
        }

        /// The same region without sets of more than `limit` values (it can only grow).
        func capped(_ limit: Int) -> Region {
            var r = self
            if let a = allowed, a.count > limit { r.allowed = nil }
            if excluded.count > limit { r.excluded = [] }
            return r
        }

        /// True when it says nothing about its subject.
        var isUnconstrained: Bool {
            !mustBeNone && !mustHaveValue && lower == nil && upper == nil && allowed == nil && excluded.isEmpty
        }

        /// Whether some customer can be in both regions: `intersection(other).isPossible`,
        /// answering the commonest no (two ranges apart) without building the
        /// intersection, since the overlapping-rules lint asks it of many pairs.
        func meets(_ other: Region) -> Bool {
            !apart(other) && intersection(other).isPossible
        }

        /// True when the two regions only allow values, in ranges that do not meet: the
        /// commonest way two regions exclude each other, found without copying either.
        func apart(_ other: Region) -> Bool {
            guard mustHaveValue || other.mustHaveValue, !mustBeNone, !other.mustBeNone else { return false }
            if let lower, let upper = other.upper, Region.apart(lower, upper) { return true }
            if let lower = other.lower, let upper, Region.apart(lower, upper) { return true }
            return false
        }

        /// True when no value is at least `lower` and at most `upper`.
        private static func apart(_ lower: Limit, _ upper: Limit) -> Bool {
            guard let order = order(lower.value, upper.value) else { return false }
            return order > 0 || (order == 0 && (!lower.inclusive || !upper.inclusive))
        }

        var isPossible: Bool {
            if mustBeNone { return !mustHaveValue }
            // A region that may be none is never empty (only a hull leaves limits on one).
            if !mustHaveValue { return true }
            if let lower, let upper, let order = Region.order(lower.value, upper.value) {
                if order > 0 { return false }
                if order == 0 && (!lower.inclusive || !upper.inclusive || excluded.contains(lower.value)) { return false }
            }
            if excluded.contains(.bool(true)) && excluded.contains(.bool(false)) { return false }
            if let allowed {
                return allowed.contains { value in !excluded.contains(value) && within(value) }
            }
            return true
        }

        /// Whether a value lies inside the limits (yes when it cannot be ordered with them).
        private func within(_ value: Constant) -> Bool {
            if let lower, let order = Region.order(value, lower.value), order < 0 || (order == 0 && !lower.inclusive) { return false }
            if let upper, let order = Region.order(value, upper.value), order > 0 || (order == 0 && !upper.inclusive) { return false }
            return true
        }

        /// -1, 0 or 1 for numbers with numbers and dates with dates; nil otherwise.
        static func order(_ a: Constant, _ b: Constant) -> Int? {
            switch (a, b) {
            case (.number(let x), .number(let y)): x < y ? -1 : (x == y ? 0 : 1)
            case (.date(let x), .date(let y)): x < y ? -1 : (x == y ? 0 : 1)
            default: nil
            }
        }
    }

    /// Facts that hold together, merged into one region per subject (subjects in
    /// increasing order). Never impossible: `and` gives nil rather than an impossible one.
    struct Conjunction: Hashable {
        private var subjects: [Int] = []
        private var regions: [Region] = []

        /// A cheaper hash than the synthesized one: lists of values count only by their
        /// size (equal conjunctions still hash alike; `==` tells the rest apart), since
        /// hashing every value of every list cost more than the rare collisions.
        func hash(into hasher: inout Hasher) {
            hasher.combine(subjects)
            for r in regions {
                hasher.combine(r.mustBeNone)
                hasher.combine(r.mustHaveValue)
                hasher.combine(r.lower)
                hasher.combine(r.upper)
                hasher.combine(r.allowed?.count)
                hasher.combine(r.excluded.count)
            }
        }

        /// No fact at all: every customer.
        static let always = Conjunction()

        private init() {}

        /// A single fact, or nil when it cannot hold on its own.
        init?(_ fact: Fact) {
            let region = Region(fact)
            guard region.isPossible else { return nil }
            subjects = [fact.subject]
            regions = [region]
        }

        /// Whether some customer can satisfy both: `and(other) != nil`, without building it.
        func meets(_ other: Conjunction) -> Bool {
            var i = 0, j = 0
            while i < subjects.count, j < other.subjects.count {
                if subjects[i] < other.subjects[j] { i += 1 }
                else if other.subjects[j] < subjects[i] { j += 1 }
                else {
                    if !regions[i].meets(other.regions[j]) { return false }
                    i += 1; j += 1
                }
            }
            return true
        }

        /// A conjunction holding the customers of both (and perhaps more): what they
        /// say alike about the subjects they share (see `Conditions.widened`).
        func join(_ other: Conjunction) -> Conjunction {
            var out = Conjunction()
            var i = 0, j = 0
            while i < subjects.count, j < other.subjects.count {
                if subjects[i] < other.subjects[j] { i += 1 }
                else if other.subjects[j] < subjects[i] { j += 1 }
                else {
                    let region = regions[i].hull(other.regions[j])
                    if !region.isUnconstrained { out.subjects.append(subjects[i]); out.regions.append(region) }
                    i += 1; j += 1
                }
            }
            return out
        }

        /// The same conjunction without sets of more than `limit` values.
        func capped(_ limit: Int) -> Conjunction {
            var out = self
            out.regions = regions.map { $0.capped(limit) }
            return out
        }

        /// Both conjunctions at once, or nil when no customer can satisfy them both.
        func and(_ other: Conjunction) -> Conjunction? {
            var out = Conjunction()
            out.subjects.reserveCapacity(subjects.count + other.subjects.count)
            out.regions.reserveCapacity(subjects.count + other.subjects.count)
            var i = 0, j = 0
            while i < subjects.count || j < other.subjects.count {
                if j == other.subjects.count || (i < subjects.count && subjects[i] < other.subjects[j]) {
                    out.subjects.append(subjects[i]); out.regions.append(regions[i]); i += 1
                } else if i == subjects.count || other.subjects[j] < subjects[i] {
                    out.subjects.append(other.subjects[j]); out.regions.append(other.regions[j]); j += 1
                } else {
                    if regions[i].apart(other.regions[j]) { return nil }
                    let region = regions[i].intersection(other.regions[j])
                    guard region.isPossible else { return nil }
                    out.subjects.append(subjects[i]); out.regions.append(region); i += 1; j += 1
                }
            }
            return out
        }
    }
}
