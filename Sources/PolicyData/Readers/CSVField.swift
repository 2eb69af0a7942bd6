// Zero-copy views of one CSV field and one record.

/// One field of a record as a span of the reader's bytes; nothing is copied.
///
/// For a quoted field the span is the content between the quotes, still
/// escaped: read it through ``CSVReader/withFieldBytes(_:_:)`` or
/// ``CSVReader/string(_:)`` to get `""` turned into `"`.
public struct CSVField: Sendable, Equatable {
    /// Offset of the first content byte in the reader's bytes.
    public var start: Int
    /// Offset one past the last content byte.
    public var end: Int
    /// True when the field was written between quotes.
    public var quoted: Bool
    /// True when the quoted content holds at least one `""` that must become `"`.
    public var hasEscapedQuotes: Bool

    /// Creates a field spanning `start..<end`.
    public init(start: Int, end: Int, quoted: Bool = false, hasEscapedQuotes: Bool = false) {
        self.start = start
        self.end = end
        self.quoted = quoted
        self.hasEscapedQuotes = hasEscapedQuotes
    }

    /// Number of raw (still escaped) content bytes.
    public var rawCount: Int { end - start }

    /// True when the field has no content: an empty unquoted field or `""`.
    public var isEmpty: Bool { end == start }
}

/// One record: the line it starts on and its fields.
///
/// Create one and pass it again and again to ``CSVReader/next(into:)``:
/// the `fields` array keeps its capacity, so the common case allocates nothing.
public struct CSVRecord: Sendable {
    /// 1-based physical line where the record starts (a quoted field may carry it onto later lines).
    public var line: Int
    /// The fields in order; `fields.count` is the field count the caller checks against the header.
    public var fields: [CSVField]

    /// An empty record ready to be filled.
    public init() {
        line = 0
        fields = []
        fields.reserveCapacity(32)
    }
}
