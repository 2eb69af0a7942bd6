import PolicySyntax

/// Builds the schema from a `customer` or `orders` block, checking each field declaration.
enum SchemaBuilder {
    /// The customer block: exactly one field is the `key`.
    static func build(_ block: FieldBlock, diagnostics: inout DiagnosticBag) -> Schema {
        build(block, marked: { $0.isKey }, diagnostics: &diagnostics) { declaration, _, diagnostics in
            if declaration.isCustomer {
                diagnostics.error(.invalidOrders, "`customer` marks the customer's key in an orders block", at: declaration.span,
                                  help: "in the customer block, the field that identifies a customer is marked `key`")
            }
        } none: { diagnostics in
            diagnostics.error(.keyCount, "the customer block has no `key` field", at: block.span,
                              help: "mark the field that identifies a customer, as in `id text key`")
        } second: { field, diagnostics in
            diagnostics.error(.keyCount, "a customer block has exactly one `key` field; `\(field.name)` is a second",
                              at: field.span ?? block.span)
        }
    }

    /// The orders block: exactly one field is marked `customer` (its `keySlot`), and no
    /// field is a `key` (a customer has many orders).
    static func buildOrders(_ block: FieldBlock, diagnostics: inout DiagnosticBag) -> Schema {
        build(block, marked: { $0.isCustomer }, diagnostics: &diagnostics) { declaration, field, diagnostics in
            if declaration.isKey {
                diagnostics.error(.invalidOrders, "orders have no `key`: a customer has many of them", at: declaration.span,
                                  help: "mark the field that holds the customer's key with `customer`, as in `customer_id text customer`")
            }
            guard declaration.isCustomer else { return }
            if declaration.defaultValue != nil {
                diagnostics.error(.invalidOrders, "the customer field `\(field.name)` cannot have a default", at: declaration.name.span,
                                  help: "an order belongs to the customer it names; mark it `?` to count orders without one")
            }
            if field.type != .text, field.type != .int {
                diagnostics.error(.invalidOrders, "the customer field is text or int, not \(field.type.rawValue)", at: declaration.type.span)
            }
        } none: { diagnostics in
            diagnostics.error(.invalidOrders, "the orders block has no `customer` field", at: block.span,
                              help: "mark the field that holds the customer's key, as in `customer_id text customer`")
        } second: { field, diagnostics in
            diagnostics.error(.invalidOrders, "an orders block has exactly one `customer` field; `\(field.name)` is a second",
                              at: field.span ?? block.span)
        }
    }

    /// The fields of a block, each checked, a name declared twice refused, and exactly one
    /// of them `marked` (the schema's key slot; `none` and `second` report otherwise).
    /// `check` looks at each declaration for what only one kind of block refuses.
    private static func build(_ block: FieldBlock, marked: (FieldDeclaration) -> Bool, diagnostics: inout DiagnosticBag,
                              check: (FieldDeclaration, FieldSpec, inout DiagnosticBag) -> Void,
                              none: (inout DiagnosticBag) -> Void,
                              second: (FieldSpec, inout DiagnosticBag) -> Void) -> Schema {
        var fields: [FieldSpec] = []
        var markedSlots: [Int] = []
        for declaration in block.fields {
            // The key's own checks (`buildField`) are for the field marked here.
            var plain = declaration
            plain.isKey = marked(declaration) && declaration.isKey
            guard var field = buildField(plain, diagnostics: &diagnostics) else { continue }
            check(declaration, field, &diagnostics)
            if fields.contains(where: { $0.name == field.name }) {
                diagnostics.error(.duplicateName, "the field `\(field.name)` is declared twice", at: declaration.name.span)
                continue
            }
            if marked(declaration) {
                field.isKey = true
                markedSlots.append(fields.count)
            }
            fields.append(field)
        }
        if markedSlots.isEmpty { none(&diagnostics) }
        for extra in markedSlots.dropFirst() { second(fields[extra], &diagnostics) }
        return Schema(fields: fields, keySlot: markedSlots.first ?? 0)
    }

    static func buildField(_ d: FieldDeclaration, diagnostics: inout DiagnosticBag) -> FieldSpec? {
        guard let type = FieldType(rawValue: d.type.text) else {
            let guess = Suggest.closest(to: d.type.text, among: FieldType.allCases.map(\.rawValue))
            diagnostics.error(.unknownType, "unknown type `\(d.type.text)`", at: d.type.span,
                              help: guess.map { "did you mean `\($0)`?" } ?? "the types are text, int, number, money, bool, date and duration")
            return nil
        }
        if d.datePattern != nil, type != .date, let p = d.datePattern {
            diagnostics.error(.invalidDatePattern, "only a date field takes a pattern", at: p.span)
        }
        var field = FieldSpec(name: d.name.text, type: type, optional: d.optional, isKey: d.isKey,
                              header: d.header?.text, datePattern: d.datePattern?.text, span: d.name.span,
                              patternSpan: d.datePattern?.span)
        if let value = d.defaultValue {
            field.defaultValue = literal(value, for: field, what: "default", diagnostics: &diagnostics)
        }
        if let allowed = d.allowed, case .list(let items) = allowed.kind {
            field.allowed = items.compactMap { literal($0, for: field, what: "allowed value", diagnostics: &diagnostics) }
        }
        if d.isKey, d.optional || d.defaultValue != nil {
            diagnostics.error(.invalidKey, "the key field `\(d.name.text)` cannot be optional or have a default",
                              at: d.name.span, help: "every customer needs its own key")
        }
        if d.isKey, type != .text, type != .int {
            diagnostics.error(.invalidKey, "a key field is text or int, not \(type.rawValue)", at: d.type.span)
        }
        return field
    }

    /// A constant for a default, allowed value or test record, checked against the field.
    static func literal(_ e: Expression, for field: FieldSpec, what: String, diagnostics: inout DiagnosticBag) -> Literal? {
        guard let value = constant(e) else {
            diagnostics.error(.fieldValueType, "a \(what) must be a constant such as 0, \"email\" or 2026-01-01", at: e.span)
            return nil
        }
        if !fits(value, field.type) {
            diagnostics.error(.fieldValueType, "the \(what) `\(e.span.text)` is not a \(field.type.rawValue)", at: e.span,
                              help: "the field `\(field.name)` is declared as \(field.type.rawValue)")
            return nil
        }
        return value
    }

    /// The constant an expression stands for, if it is one (`-5` included).
    static func constant(_ e: Expression) -> Literal? {
        switch e.kind {
        case .number(let t): .number(t)
        case .percent(let t): .percent(t)
        case .string(let parts):
            parts.allSatisfy { if case .text = $0 { true } else { false } }
                ? .text(parts.map { if case .text(let t) = $0 { t } else { "" } }.joined()) : nil
        case .date(let y, let m, let d): .date(year: y, month: m, day: d)
        case .duration(let a, let u): .duration(amount: a, unit: u)
        case .bool(let b): .bool(b)
        case .none: Literal.none
        case .unary(.negate, let inner):
            switch inner.kind {
            case .number(let t): .number("-" + t)
            case .percent(let t): .percent("-" + t)
            default: nil
            }
        default: nil
        }
    }

    static func fits(_ value: Literal, _ type: FieldType) -> Bool {
        switch (value, type) {
        case (.none, _): true
        case (.number(let t), .int): !t.contains(".")
        case (.number, .number), (.number, .money), (.percent, .number): true
        case (.text, .text), (.date, .date), (.duration, .duration), (.bool, .bool): true
        default: false
        }
    }
}
