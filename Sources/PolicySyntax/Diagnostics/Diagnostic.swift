/// How serious a diagnostic is. Errors stop a run; warnings are advice.
public enum Severity: String, Sendable {
    case error
    case warning
}

/// One message about a place in a source file: what is wrong, where, and a hint.
/// Messages follow one style: lowercase, no final period, user input in backticks.
public struct Diagnostic: Sendable, Hashable {
    public var severity: Severity
    public var code: DiagnosticCode
    public var message: String
    public var span: SourceSpan
    /// A suggestion shown as `help: ...` (for example `did you mean `Gold`?`).
    public var help: String?

    public init(_ code: DiagnosticCode, _ message: String, at span: SourceSpan,
                help: String? = nil, severity: Severity = .error) {
        self.code = code
        self.message = message
        self.span = span
        self.help = help
        self.severity = severity
    }
}

/// Collects diagnostics in the order they are found, capped so that one broken
/// file cannot flood the terminal.
public struct DiagnosticBag: Sendable {
    public static let limit = 100
    public private(set) var items: [Diagnostic] = []
    public private(set) var dropped = 0
    /// The items, to find a repeat at once: a large policy may add tens of thousands
    /// of warnings, each compared with those kept.
    private var kept: Set<Diagnostic> = []
    /// How many items are kept before the rest are only counted.
    private let capacity: Int

    public init() {
        capacity = Self.limit
    }

    /// A bag that keeps up to `capacity` items: the linter keeps every warning until
    /// the allow comments have silenced theirs.
    public init(capacity: Int) {
        self.capacity = capacity
    }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }

    public mutating func add(_ diagnostic: Diagnostic) {
        // The same complaint at the same place (for example from a re-visited let) is said once.
        if kept.contains(diagnostic) { return }
        if items.count < capacity {
            items.append(diagnostic)
            kept.insert(diagnostic)
        } else {
            dropped += 1
        }
    }

    public mutating func error(_ code: DiagnosticCode, _ message: String, at span: SourceSpan, help: String? = nil) {
        add(Diagnostic(code, message, at: span, help: help))
    }

    public mutating func warning(_ code: DiagnosticCode, _ message: String, at span: SourceSpan, help: String? = nil) {
        add(Diagnostic(code, message, at: span, help: help, severity: .warning))
    }

    public mutating func append(contentsOf other: DiagnosticBag) {
        for d in other.items { add(d) }
        dropped += other.dropped
    }

    /// The diagnostics sorted by file, then position, so that output is stable.
    public var sorted: [Diagnostic] {
        items.enumerated().sorted { a, b in
            let x = a.element.span, y = b.element.span
            if x.file.path != y.file.path { return x.file.path < y.file.path }
            if x.start != y.start { return x.start < y.start }
            return a.offset < b.offset
        }.map(\.element)
    }
}
