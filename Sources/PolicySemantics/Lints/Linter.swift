import PolicySyntax

/// The warnings of `policy check`: mistakes a policy can make while being valid.
/// Each lint family lives in its own file and reads the same `LintContext`; they run
/// only on a policy that checked without errors.
public enum Linter {
    /// What `policy check` reports: the warnings left once the allow comments have
    /// silenced theirs (`AllowComments`), and how many they silenced.
    public struct Report: Sendable {
        /// The warnings to print, unsorted (`DiagnosticBag.sorted` orders them).
        public var warnings: DiagnosticBag
        /// How many warnings an allow comment silenced.
        public var allowed: Int
    }

    /// Every warning about `policy` that no allow comment silences, unsorted.
    public static func lint(_ program: LoadedPolicy, _ policy: CheckedPolicy) -> DiagnosticBag {
        report(program, policy).warnings
    }

    /// The warnings about `policy`, and how many were allowed.
    public static func report(_ program: LoadedPolicy, _ policy: CheckedPolicy) -> Report {
        let context = LintContext(program: program, policy: policy)
        // Every warning is kept until the allows have had their say.
        var bag = DiagnosticBag(capacity: .max)
        UnreachableLabels.lint(context, into: &bag)
        ImpossibleRules.lint(context, into: &bag)
        OverlappingRules.lint(context, into: &bag)
        UnusedNames.lint(context, into: &bag)
        NoneGuards.lint(context, into: &bag)
        NegativeShares.lint(context, into: &bag)
        let (warnings, allowed) = AllowComments(program, mainFile: context.mainFile).apply(to: bag, mainFile: context.mainFile)
        return Report(warnings: warnings, allowed: allowed)
    }
}

/// What the lints read: the checked policy for meaning, the declarations for spans
/// and names as written.
struct LintContext {
    let program: LoadedPolicy
    let policy: CheckedPolicy
    /// The file being checked; `use`d files are shared and may serve other policies.
    let mainFile: SourceFile?
    let conditions: Conditions
    /// The segment declarations, parallel to `policy.segments`.
    let segments: [SegmentDeclaration]
    /// The rule declarations, parallel to `policy.rules`.
    let rules: [RuleDeclaration]
    /// Per rule, the customers for whom its condition is true (`Conditions.form`),
    /// computed once for every lint that reads it.
    let firing: [Conditions.Form]

    init(program: LoadedPolicy, policy: CheckedPolicy) {
        self.program = program
        self.policy = policy
        mainFile = program.files.first?.source
        conditions = Conditions(policy: policy)
        var segments: [SegmentDeclaration] = []
        var rules: [RuleDeclaration] = []
        for declaration in program.declarations {
            switch declaration {
            case .segment(let d): segments.append(d)
            case .rule(let d): rules.append(d)
            default: break
            }
        }
        // INVARIANT: the checker keeps every segment and rule of an error-free policy,
        // in declaration order, so the two lists line up with the checked ones.
        self.segments = segments.count == policy.segments.count ? segments : []
        self.rules = rules.count == policy.rules.count ? rules : []
        firing = policy.rules.map { [conditions] in conditions.form($0.condition, .isTrue) }
    }

    /// Whether a span is in the file being checked rather than in a `use`d one.
    func inMainFile(_ span: SourceSpan) -> Bool {
        span.file === mainFile
    }

    /// `"name"` of a rule, as written in messages.
    static func quoted(_ rule: String) -> String {
        "\"\(rule)\""
    }

    /// Why a label or rule whose condition never holds is never given: the condition
    /// quoted as written, on one line (without comments), unless it is too long to quote.
    static func neverHoldsReason(_ condition: Expression) -> String {
        var pieces: [Substring] = []
        for line in condition.span.text.split(separator: "\n") {
            // A `#` outside a string starts a comment.
            var inString = false, escaped = false, end = line.endIndex
            for i in line.indices {
                let c = line[i]
                if escaped { escaped = false } else if c == "\\" { escaped = inString } else if c == "\"" { inString.toggle() }
                else if c == "#", !inString { end = i; break }
            }
            let piece = line[..<end].split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
            if !piece.isEmpty { pieces.append(Substring(piece)) }
        }
        let text = pieces.joined(separator: " ")
        return text.count <= 100 ? "its condition `\(text)` never holds" : "its condition never holds"
    }

    /// The advice for a condition that never holds.
    static let neverHoldsHelp = "no customer can meet every part of it at once; check the limits and values it compares, or whether `or` was meant"

    /// `a`, `a and b`, `a, b and c` (or `a, b or c`).
    static func list(_ items: [String], or: Bool = false) -> String {
        guard let last = items.last else { return "" }
        if items.count == 1 { return last }
        return items.dropLast().joined(separator: ", ") + (or ? " or " : " and ") + last
    }
}

/// A cache filled on first use. INVARIANT: a checked policy has no cycles among
/// lets, so a value is never asked for while it is being computed.
final class LintMemo<Key: Hashable, Value> {
    private var values: [Key: Value] = [:]

    func value(_ key: Key, _ compute: () -> Value) -> Value {
        if let known = values[key] { return known }
        let computed = compute()
        values[key] = computed
        return computed
    }
}
