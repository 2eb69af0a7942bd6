import PolicyValues
import PolicySyntax
import PolicySemantics

/// One output record of a customer as evaluation leaves it: a segment's label, or
/// an action of a rule that fired. Only what depends on the customer is held, as
/// bytes in `CustomerRecords.text`; the rest is the action's layout
/// (`PlannedAction`). Plain values only: no reference counting per record.
struct RecordEntry {
    /// An action, by index into `Program.actions`; a segment's record is `-1 - segment`.
    var source: Int32
    /// A segment record's label (by index among the segment's labels).
    var label: Int32 = 0
    /// Fields that depend on the customer; nil: the action's constant.
    var value: ByteText? = nil
    var channel: ByteText? = nil
    var due: ByteText? = nil
    var message = ByteText.empty
    /// The rule's name, when `resolve ... by sum` joined several.
    var rule: ByteText? = nil
    /// The value of the rule's `once for` expression, recorded in the history.
    var occasion: ByteText? = nil
    /// The value behind `value`, for `resolve` (`none`: the action's constant amount).
    var amount = Scalar.none

    var isSegment: Bool { source < 0 }
    var segment: Int { Int(-1 - source) }
}

/// A record a rule produced that is not written, and why.
struct SuppressedEntry {
    enum Reason {
        /// A contact whose channel is `none`, empty or no channel name.
        case noUsableChannel
        /// `once`, `once per`, `once for`: the rule, when it last acted, and for what occasion.
        case once(rule: Int32, lastSent: Int32, occasion: ByteText?)
        /// `resolve`: the line (by index into `Program.resolutions`) and the record it kept.
        case resolve(Int32, kept: RecordEntry)
        /// `limit`: the line (by index into the policy's limits), and what filled it, as text.
        case limit(Int32, filledBy: ByteText)
        /// The rule's quota or budget went to customers before this one.
        case quota(rule: Int32)
        /// The customer is in the control group.
        case holdout
    }

    var entry: RecordEntry
    var reason: Reason
}

/// Everything a policy decided for one customer, in output order: the label of
/// each segment, the rules that fired, the records kept and those suppressed (a
/// contact without a usable channel, what `resolve` removed). Reused from customer
/// to customer (no allocation once grown).
struct CustomerRecords {
    /// Per segment, the label index (-1: no label).
    var labels = ReusedList<Int32>()
    /// The indexes of the rules whose condition held, in order.
    var firedRules = ReusedList<Int32>()
    var entries = ReusedList<RecordEntry>()
    var suppressed = ReusedList<SuppressedEntry>()
    /// Actions not written because their value was `none`.
    var skippedNoValue = 0
    /// The bytes of the fields that depend on the customer.
    var text: [UInt8] = []

    mutating func reset() {
        labels.removeAll()
        firedRules.removeAll()
        entries.removeAll()
        suppressed.removeAll()
        if !text.isEmpty { text.removeAll(keepingCapacity: true) }
        skippedNoValue = 0
    }

    /// Moves the records `reason` gives a reason for to those suppressed, in order;
    /// the others stay, in order.
    @inline(__always)
    mutating func suppress(_ reason: (RecordEntry) -> SuppressedEntry.Reason?) {
        var kept = 0
        for i in entries.indices {
            let entry = entries[i]
            if let reason = reason(entry) {
                suppressed.append(SuppressedEntry(entry: entry, reason: reason))
            } else {
                entries[kept] = entry
                kept += 1
            }
        }
        entries.keepFirst(kept)
    }

    /// Appends text that depends on the customer and says where it is.
    mutating func append(_ string: String) -> ByteText {
        let start = Int32(text.count)
        text.append(contentsOf: string.utf8)
        return ByteText(start: start, count: Int32(text.count) - start)
    }
}

/// A list reused from customer to customer: emptied by forgetting its count, so
/// that emptying it costs nothing (its elements are plain values).
struct ReusedList<Element>: RandomAccessCollection, MutableCollection {
    private var storage: [Element] = []
    private(set) var count = 0

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    @inline(__always) subscript(i: Int) -> Element {
        get { storage[i] }
        set { storage[i] = newValue }
    }

    @inline(__always) mutating func append(_ element: Element) {
        if count < storage.count { storage[count] = element } else { storage.append(element) }
        count += 1
    }

    mutating func removeAll() { count = 0 }

    /// Keeps the first `n` elements.
    mutating func keepFirst(_ n: Int) { count = n }
}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes of `t` in this arena.
    @inline(__always) subscript(_ t: ByteText) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: self[Int(t.start)..<Int(t.start + t.count)])
    }
}

extension Evaluator {
    /// What the policy decides for one customer, in output order: segment
    /// assignments, then each rule that fires with its actions, then the steps that
    /// remove actions, in order: `resolve`, `limit`, quotas, holdout.
    mutating func evaluate(row: Int, into records: inout CustomerRecords) {
        evaluateBeforeQuotas(row: row, into: &records)
        if let quotas { applyQuotas(quotas, to: &records) }
        if let seed = program.holdoutSeed { applyHoldout(seed: seed, to: &records) }
    }

    /// The same up to the quotas: what they choose among (`QuotaAdmissions`).
    mutating func evaluateBeforeQuotas(row: Int, into records: inout CustomerRecords) {
        begin(row: row)
        records.reset()
        for s in 0..<program.segments.count {
            let label = segmentValue(s)
            guard label.kind == .label else {
                records.labels.append(-1)
                continue
            }
            records.labels.append(Int32(label.bits))
            records.entries.append(RecordEntry(source: Int32(-1 - s), label: Int32(label.bits)))
        }
        for r in 0..<program.rules.count {
            let rule = program.rules[r]
            guard holds(rule.condition) else { continue }
            records.firedRules.append(Int32(r))
            var blocked: SuppressedEntry.Reason? = nil, occasion: ByteText? = nil
            if case .none = rule.modifier {} else { (blocked, occasion) = modifierCheck(r, records: &records) }
            for a in rule.firstAction..<(rule.firstAction + rule.actionCount) {
                record(Int(a), into: &records, occasion: occasion, blocked: blocked)
            }
        }
        if !program.resolutions.isEmpty { resolve(&records) }
        if program.hasLimits { applyLimits(&records) }
    }

    /// Adds one action's record: to the records written, to those suppressed (a
    /// contact without a usable channel), or to none when its value is `none`
    /// (nothing to act on: counted in `skippedNoValue`).
    /// A rule's modifier may have `blocked` its records (see `modifierCheck`).
    @inline(__always)
    mutating func record(_ index: Int, into records: inout CustomerRecords, occasion: ByteText? = nil,
                         blocked: SuppressedEntry.Reason? = nil) {
        let action = program.actions[index]
        var entry = RecordEntry(source: Int32(index))
        entry.occasion = occasion
        if action.checksValue {
            let v = eval(action.value)
            if v.isNone {
                records.skippedNoValue += 1
                return
            }
            entry.amount = v
            if action.constantValue == nil {
                entry.value = records.append(Written.value(value(of: v), kind: action.kind, valueType: program.types[Int(action.valueType)],
                                                           formatter: program.formatter).text)
            }
        }
        var usableChannel = true
        if action.constantChannel == nil {
            let channel = records.append(program.formatter.text(valueOf(action.channel), as: .text))
            entry.channel = channel
            usableChannel = records.text.withUnsafeBufferPointer { program.isChannelName($0[channel]) }
        }
        if action.constantDue == nil {
            entry.due = records.append(due(within: valueOf(action.within)).iso)
        }
        if action.message >= 0 {
            let start = records.text.count
            writeText(action.message, into: &records.text)
            entry.message = ByteText(start: Int32(start), count: Int32(records.text.count - start))
        }
        if !usableChannel {
            records.suppressed.append(SuppressedEntry(entry: entry, reason: .noUsableChannel))
        } else if let blocked {
            records.suppressed.append(SuppressedEntry(entry: entry, reason: blocked))
        } else {
            records.entries.append(entry)
        }
    }

    /// A contact's due date: the as-of date, moved by `within` when it is a duration.
    func due(within: Value) -> CivilDate {
        if case .duration(let d) = within, let moved = d.added(to: program.asOf) { return moved }
        return program.asOf
    }

    /// An expression printed as text; a message's parts are written one after the other.
    mutating func writeText(_ op: Int32, into text: inout [UInt8]) {
        guard case .interpolate(let first, let count) = ops[Int(op)] else {
            text.append(contentsOf: program.formatter.text(valueOf(op), as: .text).utf8)
            return
        }
        for part in UnsafeBufferPointer(rebasing: program.parts[Int(first)..<Int(first + count)]) {
            switch part {
            case .text(let t):
                text.append(contentsOf: program.bytes(t))
            case .value(let op, let type):
                if case .textField(let column, _) = ops[Int(op)] {
                    // Text straight from its column (none prints as nothing).
                    if let t = table.texts[Int(column)][row] { text.append(contentsOf: t.utf8) }
                    continue
                }
                let v = eval(op)
                if v.kind == .decimal, v.scale == 0, program.printsPlainNumber[Int(type)] {
                    text.append(contentsOf: String(v.bits).utf8)
                } else if program.types[Int(type)] == .money, v.appendMoney(into: &text) {
                    continue
                } else {
                    text.append(contentsOf: program.formatter.text(value(of: v), as: program.types[Int(type)]).utf8)
                }
            }
        }
    }
}

extension Program {
    /// Calls `field` with fields 1...7 of a record (`ActionRecord.columns` after the
    /// customer id), in order: the one place a record's fields are laid out, for
    /// every output format and for `policy test` and `policy explain` alike.
    /// `text` holds the customer's own fields (`CustomerRecords.text`).
    @inline(__always)
    func withFields(of entry: RecordEntry, text: UnsafeBufferPointer<UInt8>,
                    _ field: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
        func own(_ t: ByteText) -> UnsafeBufferPointer<UInt8> { text[t] }
        let nothing = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        if entry.isSegment {
            let segment = segments[entry.segment]
            let name = bytes(segment.name)
            field(1, name)
            field(2, name)
            field(3, bytes(labelNames[Int(segment.firstLabel + entry.label)]))
            for i in 4...7 { field(i, nothing) }
            return
        }
        let action = actions[Int(entry.source)]
        field(1, entry.rule.map(own) ?? bytes(rules[Int(action.rule)].name))
        field(2, bytes(action.kindName))
        // A field without a constant has one of its own in a customer's records (see
        // `Evaluator.record`); only a template (`RecordTemplates`) has neither.
        field(3, entry.value.map(own) ?? action.constantValue.map(bytes) ?? nothing)
        field(4, entry.channel.map(own) ?? action.constantChannel.map(bytes) ?? nothing)
        field(5, entry.due.map(own) ?? action.constantDue.map(bytes) ?? nothing)
        field(6, bytes(action.severity))
        field(7, action.message < 0 ? nothing : own(entry.message))
    }

    /// The rule's name of an action's record, `resolve ... by sum` applied.
    func ruleName(_ entry: RecordEntry, text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        entry.rule.map { text[$0] } ?? bytes(rules[Int(actions[Int(entry.source)].rule)].name)
    }
}
