/// The bytes of output records that never change, encoded once per run in the
/// run's format: for each segment label, the whole record after the customer id
/// (its end included); for each action, the rule and kind, and the whole rest when
/// nothing in it depends on the customer. Writing such a record is then the id and
/// one copy.
///
/// The history's records have templates of their own: the output's columns, then
/// the run's as-of date and an empty occasion (`asOf`).
///
/// Relies on `RecordEncoder`'s promise that a field's bytes do not depend on the
/// fields before it.
final class RecordTemplates: @unchecked Sendable {
    // INVARIANT: immutable after init; owned and freed in deinit.
    private let arena: UnsafeMutableBufferPointer<UInt8>
    /// Per label, in `Program.labelNames` order: fields 1...7 and the record's end.
    let labelTails: [ByteText]
    /// Per action, in `Program.actions` order: fields 1...2, and 1...7 with the
    /// record's end when the action's record is constant.
    let actionHeads: [ByteText]
    let actionTails: [ByteText?]

    /// The history records' as-of date, encoded (field 8).
    let asOf: ByteText

    init(_ program: Program, encoder: any RecordEncoder, asOf date: String? = nil) {
        var bytes = OutputBytes()
        let nothing = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        func encode(_ entry: RecordEntry, fields: ClosedRange<Int> = 1...7) -> ByteText {
            let start = bytes.count
            program.withFields(of: entry, text: nothing) { i, text in
                if fields.contains(i) { encoder.field(i, text, into: &bytes) }
            }
            if fields.upperBound == 7 {
                if let date {
                    encoder.field(8, date, into: &bytes)
                    encoder.field(9, nothing, into: &bytes)
                }
                encoder.endRecord(into: &bytes)
            }
            return ByteText(start: Int32(start), count: Int32(bytes.count - start))
        }
        let asOfStart = bytes.count
        if let date { encoder.field(8, date, into: &bytes) }
        asOf = ByteText(start: Int32(asOfStart), count: Int32(bytes.count - asOfStart))
        var labelTails: [ByteText] = []
        for s in 0..<program.segments.count {
            for label in 0..<program.segments[s].labelCount {
                labelTails.append(encode(RecordEntry(source: Int32(-1 - s), label: label)))
            }
        }
        var heads: [ByteText] = [], tails: [ByteText?] = []
        for a in 0..<program.actions.count {
            let entry = RecordEntry(source: Int32(a))
            heads.append(encode(entry, fields: 1...2))
            tails.append(program.actions[a].isConstant ? encode(entry) : nil)
        }
        let arena = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
        _ = bytes.withBytes { arena.initialize(from: $0) }
        self.arena = arena
        self.labelTails = labelTails
        actionHeads = heads
        actionTails = tails
    }

    deinit {
        arena.deallocate()
    }

    @inline(__always) func bytes(_ text: ByteText) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: arena[Int(text.start)..<Int(text.start + text.count)])
    }
}

extension Program {
    /// Writes one customer's records through `encoder`: `id` is the encoded customer
    /// id field; fields that never change come from `templates`. For the history
    /// (`templates` made with the as-of date): the actions only, not the segments'
    /// labels, each followed by the as-of date (field 8) and the occasion (field 9:
    /// the value of the rule's `once for` expression, empty for other rules).
    func encode(_ records: CustomerRecords, id: borrowing OutputBytes, encoder: any RecordEncoder, templates: RecordTemplates,
                forHistory: Bool = false, into out: inout OutputBytes) {
        records.text.withUnsafeBufferPointer { text in
            for entry in records.entries {
                if entry.isSegment {
                    if forHistory { continue }
                    out.append(id)
                    out.append(templates.bytes(templates.labelTails[Int(segments[entry.segment].firstLabel + entry.label)]))
                    continue
                }
                out.append(id)
                let a = Int(entry.source)
                let ownRule = entry.rule != nil
                if !ownRule, entry.value == nil, !forHistory || entry.occasion == nil, let tail = templates.actionTails[a] {
                    out.append(templates.bytes(tail))
                    continue
                }
                if !ownRule { out.append(templates.bytes(templates.actionHeads[a])) }
                withFields(of: entry, text: text) { i, bytes in
                    if i > 2 || ownRule { encoder.field(i, bytes, into: &out) }
                }
                if forHistory {
                    out.append(templates.bytes(templates.asOf))
                    encoder.field(9, entry.occasion.map { text[$0] } ?? UnsafeBufferPointer(start: nil, count: 0), into: &out)
                }
                encoder.endRecord(into: &out)
            }
        }
    }
}

extension Program {
    /// Writes one customer's suppressed records through `encoder`: the output's
    /// columns, then the reason (field 8).
    func encodeSuppressed(_ records: CustomerRecords, id: String, encoder: any RecordEncoder, into out: inout OutputBytes) {
        records.text.withUnsafeBufferPointer { text in
            for suppressed in records.suppressed {
                encoder.field(0, id, into: &out)
                withFields(of: suppressed.entry, text: text) { i, bytes in encoder.field(i, bytes, into: &out) }
                encoder.field(8, reason(suppressed, text: text), into: &out)
                encoder.endRecord(into: &out)
            }
        }
    }
}
