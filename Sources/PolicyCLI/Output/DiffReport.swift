import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime

/// A `PolicyDiff` as `policy diff` prints it: text for a person, or one JSON object.
struct DiffReport {
    let diff: PolicyDiff
    let old: String
    let new: String
    let source: String
    let asOf: String
    let formatter: ValueFormatter

    var text: String {
        var out = "policy diff \(old) -> \(new)\n"
        out += "\(diff.customers) customer\(diff.customers == 1 ? "" : "s") of \(source), as of \(asOf)\n"
        for segment in diff.segments {
            let changed = segment.transitions.filter { $0.old != $0.new }.reduce(0) { $0 + $1.customers.count }
            out += "\nsegment \(segment.name): \(changed) customer\(changed == 1 ? " changes" : "s change") label\n"
            let cells = segment.transitions.map { "\($0.old ?? "(none)") -> \($0.new ?? "(none)")" }
            let width = cells.map(TableLayout.width).max() ?? 0
            let countWidth = segment.transitions.map { String($0.customers.count).count }.max() ?? 0
            for (cell, transition) in zip(cells, segment.transitions) {
                out += "  " + pad(cell, width) + "  " + padLeft(String(transition.customers.count), countWidth)
                out += "  " + transition.customers.sample.joined(separator: ", ") + "\n"
            }
        }
        out += "\nactions gained and lost:\n"
        if diff.actions.isEmpty { out += "  none: every customer keeps every action\n" }
        let names = diff.actions.map { "\"\($0.rule)\" \($0.kind.rawValue)" }
        let width = names.map(TableLayout.width).max() ?? 0
        for (name, action) in zip(names, diff.actions) {
            out += "  " + pad(name, width) + "  " + count(action.gained, sign: "+") + "  " + count(action.lost, sign: "-") + "\n"
        }
        out += "\ntotals (old -> new):\n"
        out += "  discount amounts      " + change(diff.old.discountAmount, diff.new.discountAmount, as: .money) + "\n"
        out += "  points                " + change(diff.old.points, diff.new.points, as: .number) + "\n"
        let more = diff.new.percentDiscounts - diff.old.percentDiscounts
        out += "  percentage discounts  \(diff.old.percentDiscounts) -> \(diff.new.percentDiscounts) (\(more < 0 ? "" : "+")\(more))\n"
        return out
    }

    var json: String {
        var fields: [String] = []
        fields.append("\"old\":" + quoted(old))
        fields.append("\"new\":" + quoted(new))
        fields.append("\"customers\":\(diff.customers)")
        fields.append("\"as_of\":" + quoted(asOf))
        let segments = diff.segments.map { segment in
            let transitions = segment.transitions.map { t in
                "{\"old\":\(t.old.map(quoted) ?? "null"),\"new\":\(t.new.map(quoted) ?? "null"),\"customers\":\(t.customers.count),\"sample\":\(list(t.customers.sample))}"
            }
            return "{\"segment\":\(quoted(segment.name)),\"transitions\":[\(transitions.joined(separator: ","))]}"
        }
        fields.append("\"segments\":[" + segments.joined(separator: ",") + "]")
        let actions = diff.actions.map { a in
            "{\"rule\":\(quoted(a.rule)),\"action\":\(quoted(a.kind.rawValue)),\"gained\":\(a.gained.count),\"gained_sample\":\(list(a.gained.sample)),\"lost\":\(a.lost.count),\"lost_sample\":\(list(a.lost.sample))}"
        }
        fields.append("\"actions\":[" + actions.joined(separator: ",") + "]")
        func total(_ old: String, _ new: String, _ change: String) -> String {
            "{\"old\":\(old),\"new\":\(new),\"change\":\(change)}"
        }
        let amounts = total(quoted(money(diff.old.discountAmount)), quoted(money(diff.new.discountAmount)),
                            quoted(money(diff.new.discountAmount - diff.old.discountAmount)))
        let points = total(diff.old.points.description, diff.new.points.description, (diff.new.points - diff.old.points).description)
        let percent = total(String(diff.old.percentDiscounts), String(diff.new.percentDiscounts),
                            String(diff.new.percentDiscounts - diff.old.percentDiscounts))
        fields.append("\"totals\":{\"discount_amount\":\(amounts),\"points\":\(points),\"percentage_discounts\":\(percent)}")
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    /// `+5 (C1, C2, C3)`, or `+0`.
    func count(_ c: PolicyDiff.Count, sign: String) -> String {
        sign + String(c.count) + (c.sample.isEmpty ? "" : " (" + c.sample.joined(separator: ", ") + ")")
    }

    /// `1200.00 -> 1450.00 (+250.00)`.
    func change(_ old: ExactDecimal, _ new: ExactDecimal, as type: ValueType) -> String {
        let difference = new - old
        let text = { (x: ExactDecimal) in self.formatter.text(.number(x), as: type) }
        return "\(text(old)) -> \(text(new)) (\(difference < .zero ? "" : "+")\(text(difference)))"
    }

    func money(_ x: ExactDecimal) -> String { formatter.text(.number(x), as: .money) }

    func quoted(_ s: String) -> String {
        var out = OutputBytes()
        var s = s
        s.withUTF8 { JSONRecordEncoder.appendQuoted($0, into: &out) }
        return String(decoding: out.bytes(), as: UTF8.self)
    }

    func list(_ items: [String]) -> String { "[" + items.map(quoted).joined(separator: ",") + "]" }

    /// Padded to `width` terminal columns (wide characters take two: `TableLayout.width`).
    func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - TableLayout.width(s))) }
    func padLeft(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
}
