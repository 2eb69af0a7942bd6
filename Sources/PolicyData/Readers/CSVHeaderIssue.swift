// Header names the caller may want to refuse; reported as data, never thrown.

/// Something questionable about a header name. The reader keeps going; the caller decides.
public enum CSVHeaderIssue: Sendable, Equatable {
    /// The name at 1-based `column` is empty after trimming spaces and tabs.
    case empty(column: Int)
    /// The (non-empty) name at 1-based `column` already appeared at `firstColumn`.
    case duplicate(name: String, column: Int, firstColumn: Int)
}
