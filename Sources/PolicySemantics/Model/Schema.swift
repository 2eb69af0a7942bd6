import PolicySyntax

/// One field customers have: from the `customer` block, or inferred from the data.
public struct FieldSpec: Sendable {
    public var name: String
    public var type: FieldType
    /// `?`: an empty cell is `none` rather than a rejected row.
    public var optional: Bool
    public var isKey: Bool
    /// Used when the cell is empty.
    public var defaultValue: Literal?
    /// `in [..]`: the only values a cell may hold.
    public var allowed: [Literal]?
    /// The column header to read (the `from` text, or the name).
    public var header: String
    /// `date "dd-MM-yyyy"`: how date cells are written.
    public var datePattern: String?
    /// Where the field was declared; nil for a field inferred from data.
    public var span: SourceSpan?
    public var patternSpan: SourceSpan?

    public init(name: String, type: FieldType, optional: Bool = false, isKey: Bool = false, defaultValue: Literal? = nil,
                allowed: [Literal]? = nil, header: String? = nil, datePattern: String? = nil, span: SourceSpan? = nil,
                patternSpan: SourceSpan? = nil) {
        self.name = name
        self.type = type
        self.optional = optional
        self.isKey = isKey
        self.defaultValue = defaultValue
        self.allowed = allowed
        self.header = header ?? name
        self.datePattern = datePattern
        self.span = span
        self.patternSpan = patternSpan
    }
}

/// The fields of a customer record, each at a fixed slot (its index), so evaluation
/// reads slots, never names.
public struct Schema: Sendable {
    public var fields: [FieldSpec]
    /// The slot of the key field.
    public var keySlot: Int
    /// True when the fields were inferred from the data rather than declared.
    public var inferred: Bool

    public init(fields: [FieldSpec], keySlot: Int, inferred: Bool = false) {
        self.fields = fields
        self.keySlot = keySlot
        self.inferred = inferred
    }

    /// The slot of the field called `name`, if there is one.
    public func slot(named name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }
}
