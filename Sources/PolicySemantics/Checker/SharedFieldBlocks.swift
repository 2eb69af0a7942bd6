import PolicySyntax

/// Two versions of a policy read one customer file (and one orders file) once,
/// for `policy diff`: both are given the same customer and orders blocks, the new
/// version's fields followed by the old one's that the new one does not declare.
/// A field both declare must be declared alike (how a column is read decides
/// which rows are rejected); a version without a block takes the other's.
public enum SharedFieldBlocks {
    /// `old` and `new` with one customer block and one orders block between them;
    /// errors (E0417) for fields the two declare differently.
    public static func share(_ old: LoadedPolicy, _ new: LoadedPolicy) -> (old: LoadedPolicy, new: LoadedPolicy, DiagnosticBag) {
        var bag = DiagnosticBag()
        var old = old, new = new
        for orders in [false, true] {
            let word = orders ? "orders" : "customer"
            let oldBlock = block(old, orders: orders), newBlock = block(new, orders: orders)
            guard oldBlock != nil || newBlock != nil else { continue }
            var shared = newBlock ?? oldBlock!
            if let oldBlock, let newBlock {
                let names = Set(newBlock.fields.map(\.name.text))
                for field in oldBlock.fields {
                    guard names.contains(field.name.text) else {
                        shared.fields.append(field)
                        continue
                    }
                    let other = newBlock.fields.first { $0.name.text == field.name.text }!
                    if shape(field) != shape(other) {
                        bag.error(.differentFields, "the old version reads the \(word) field `\(field.name.text)` as `\(shape(field))`, the new one as `\(shape(other))`",
                                  at: other.span, help: "a diff reads the data once for both versions: declare the field alike in both, then compare")
                    }
                }
            }
            old.declarations = replacing(old.declarations, orders: orders, with: shared)
            new.declarations = replacing(new.declarations, orders: orders, with: shared)
        }
        return (old, new, bag)
    }

    static func block(_ policy: LoadedPolicy, orders: Bool) -> FieldBlock? {
        for declaration in policy.declarations {
            switch declaration {
            case .customer(let b) where !orders: return b
            case .orders(let b) where orders: return b
            default: continue
            }
        }
        return nil
    }

    /// The declarations with the block of that kind replaced (or added, first).
    static func replacing(_ declarations: [Declaration], orders: Bool, with shared: FieldBlock) -> [Declaration] {
        let kept = declarations.filter { declaration in
            switch declaration {
            case .customer: orders
            case .orders: !orders
            default: true
            }
        }
        return [orders ? .orders(shared) : .customer(shared)] + kept
    }

    /// A field's declaration without its name's spelling of spaces and comments.
    static func shape(_ f: FieldDeclaration) -> String {
        var out = f.type.text
        if let pattern = f.datePattern { out += " \"\(pattern.text)\"" }
        if f.optional { out += "?" }
        if f.isKey { out += " key" }
        if f.isCustomer { out += " customer" }
        if let d = f.defaultValue { out += " = " + d.span.text }
        if let a = f.allowed { out += " in " + a.span.text }
        if let h = f.header { out += " from \"\(h.text)\"" }
        return out
    }
}
