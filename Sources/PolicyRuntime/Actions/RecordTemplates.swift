/// The fields of output records that never change, encoded once per run in the
/// run's format: for each segment label, the whole record after the customer id
/// (its end included); for each action, the rule and kind, and the whole rest when
/// nothing in it depends on the customer. Writing such a record is then the id and
/// one copy.
///
/// Relies on `RecordEncoder`'s promise that a field's bytes do not depend on the
/// fields before it.
final class RecordTemplates: @unchecked Sendable {
    // INVARIANT: immutable after init; owned and freed in deinit.
    private let arena: UnsafeMutableBufferPointer<UInt8>
    /// Per label, in `FlatProgram.labelNames` order: fields 1...7 and the record's end.
    let labelTails: [ByteText]
    /// Per action, in `FlatProgram.actions` order: fields 1...2, and 1...7 with the
    /// record's end when all are constant.
    let actionHeads: [ByteText]
    let actionTails: [ByteText?]

    init(_ flat: FlatProgram, encoder: any RecordEncoder) {
        var bytes: [UInt8] = []
        func encode(_ fields: [(Int, UnsafeBufferPointer<UInt8>)], ending: Bool = true) -> ByteText {
            let start = bytes.count
            for (index, text) in fields { encoder.field(index, text, into: &bytes) }
            if ending { encoder.endRecord(into: &bytes) }
            return ByteText(start: Int32(start), count: Int32(bytes.count - start))
        }
        let nothing = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var labelTails: [ByteText] = []
        for segment in flat.segments {
            let name = flat.bytes(segment.name)
            for k in 0..<Int(segment.labelCount) {
                let label = flat.bytes(flat.labelNames[Int(segment.firstLabel) + k])
                labelTails.append(encode([(1, name), (2, name), (3, label), (4, nothing), (5, nothing), (6, nothing), (7, nothing)]))
            }
        }
        var heads: [ByteText] = [], tails: [ByteText?] = []
        for rule in flat.rules {
            for action in flat.actions[Int(rule.firstAction)..<Int(rule.firstAction + rule.actionCount)] {
                heads.append(encode([(1, flat.bytes(rule.name)), (2, flat.bytes(action.kindName))], ending: false))
                tails.append(flat.constantFields(of: action).map { fields in
                    encode([(1, flat.bytes(rule.name)), (2, flat.bytes(action.kindName))] + fields)
                })
            }
        }
        arena = .allocate(capacity: max(1, bytes.count))
        _ = arena.initialize(from: bytes)
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

extension FlatProgram {
    /// Fields 3...7 of an action's records, when none depends on the customer
    /// (as `FlatEvaluator.writeAction` writes them); nil otherwise.
    func constantFields(of action: FlatAction) -> [(Int, UnsafeBufferPointer<UInt8>)]? {
        let nothing = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        let value: UnsafeBufferPointer<UInt8>
        if action.kind == .alert {
            // An alert writes its name, but a value that is none still drops the record.
            guard action.value < 0 || action.constantValue != nil else { return nil }
            value = action.alertName.map(bytes) ?? nothing
        } else if let constant = action.constantValue {
            value = bytes(constant)
        } else if action.value < 0 {
            value = nothing
        } else {
            return nil
        }
        var channel = nothing, due = nothing
        if action.kind == .contact {
            guard let fixed = action.fixedChannel, let constantDue = action.constantDue else { return nil }
            channel = bytes(fixed)
            due = bytes(constantDue)
        }
        guard action.message < 0 else { return nil }
        return [(3, value), (4, channel), (5, due), (6, bytes(action.severity)), (7, nothing)]
    }
}
