import PolicyRuntime

/// What a reading of the history looks for: the run's own date (its records are
/// replaced) and the rules and kinds of action whose records the program reads.
struct HistoryQuery: Sendable {
    let path: String
    let today: [UInt8]
    /// `today`'s ten bytes as two words (see `words`).
    let todayWords: (UInt64, UInt16)
    let wantedRules: [[UInt8]]
    let wantedKinds: [[UInt8]]
    let wantsAny: Bool

    init(path: String, program: Program) {
        self.path = path
        today = Array(program.asOf.iso.utf8)
        // INVARIANT: a date is written in ten bytes.
        todayWords = today.withUnsafeBufferPointer { Self.words($0)! }
        let (rules, kinds) = HistoryIndex.wanted(program)
        wantedRules = rules.map { Array($0.utf8) }
        wantedKinds = kinds.map { Array($0.utf8) }
        wantsAny = !rules.isEmpty || !kinds.isEmpty
    }

    /// Ten bytes (a date) as two words, compared at once; nil for any other length.
    static func words(_ text: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt16)? {
        guard text.count == 10, let base = text.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
    }

    @inline(__always)
    func wants(rule: UnsafeBufferPointer<UInt8>, action: UnsafeBufferPointer<UInt8>) -> Bool {
        guard wantsAny else { return false }
        return wantedRules.contains { $0.elementsEqual(rule) } || wantedKinds.contains { $0.elementsEqual(action) }
    }
}
