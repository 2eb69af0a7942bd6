import Dispatch

extension RunStatistics {
    /// Adds another part's counts to these (chunks of one run).
    public mutating func merge(_ other: RunStatistics) {
        customers += other.customers
        for s in labelCounts.indices {
            for l in labelCounts[s].indices { labelCounts[s][l] += other.labelCounts[s][l] }
            unlabelled[s] += other.unlabelled[s]
        }
        for s in segmentRecords.indices { segmentRecords[s] += other.segmentRecords[s] }
        for k in kindRecords.indices { kindRecords[k] += other.kindRecords[k] }
        divisionsByZero += other.divisionsByZero
        skippedNoValue += other.skippedNoValue
    }
}

extension PolicyRun {
    /// Evaluates customers in chunks on every core and hands the encoded output to
    /// `emit` in input order, a batch of chunks at a time, so memory stays bounded
    /// however large the table. The bytes are the same as a single-threaded run's:
    /// each chunk is encoded on its own, and chunks are emitted strictly in order.
    ///
    /// Customers go through the flat evaluator (`FlatProgram`), or through the node
    /// tree when the policy has `resolve` lines or `treeOnly` asks for it (tests
    /// compare the two); both give the same bytes.
    ///
    /// - Parameters:
    ///   - encode: appends one record's bytes (it runs on worker threads).
    ///   - emit: receives each chunk's bytes, in order (on the calling thread).
    public static func evaluateInChunks(_ program: Program, on table: CustomerTable, aggregates: AggregateResults,
                                        workers: Int, chunkSize: Int = 8192, treeOnly: Bool = false,
                                        encode: @escaping @Sendable (RecordFields, inout [UInt8]) -> Void,
                                        emit: ([UInt8]) -> Void) -> RunStatistics {
        var total = RunStatistics(program: program)
        let flat = treeOnly || !program.policy.resolutions.isEmpty ? nil : FlatProgram(program, table: table, aggregates: aggregates)
        let chunkCount = (table.count + chunkSize - 1) / chunkSize
        let batch = max(1, workers) * 4
        var first = 0
        while first < chunkCount {
            let count = min(batch, chunkCount - first)
            let results = ChunkResults(count: count)
            let base = first
            let work: @Sendable (Int) -> Void = { i in
                let chunk = base + i
                let rows = (chunk * chunkSize)..<min(table.count, (chunk + 1) * chunkSize)
                var statistics = RunStatistics(program: program)
                var bytes: [UInt8] = []
                bytes.reserveCapacity(rows.count * 128)
                var record = RecordFields()
                if let flat {
                    var evaluator = FlatEvaluator(flat, program: program, table: table, aggregates: aggregates)
                    for row in rows { evaluator.emit(row: row, record: &record, statistics: &statistics, encode: encode, into: &bytes) }
                    statistics.divisionsByZero = evaluator.divisionsByZero
                } else {
                    var evaluator = Evaluator(program: program, table: table, aggregates: aggregates)
                    var outcome = CustomerOutcome()
                    for row in rows {
                        evaluator.count(row: row, into: &outcome, statistics: &statistics)
                        for r in outcome.records {
                            record.set(r)
                            encode(record, &bytes)
                        }
                    }
                    statistics.divisionsByZero = evaluator.divisionsByZero
                }
                statistics.customers = rows.count
                results.store(i, bytes, statistics)
            }
            // One worker means one thread: `concurrentPerform` would use every core anyway.
            if workers <= 1 {
                for i in 0..<count { work(i) }
            } else {
                DispatchQueue.concurrentPerform(iterations: count, execute: work)
            }
            for i in 0..<count {
                let (bytes, statistics) = results.take(i)
                emit(bytes)
                total.merge(statistics)
            }
            first += count
        }
        return total
    }
}

/// Per-chunk results written by worker threads, each into its own slot.
final class ChunkResults: @unchecked Sendable {
    // INVARIANT: slot i is written by exactly one worker, and read only after all the
    // work has returned (`concurrentPerform` orders every write before the reads).
    private let slots: UnsafeMutablePointer<([UInt8], RunStatistics?)>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: ([], nil), count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func store(_ i: Int, _ bytes: [UInt8], _ statistics: RunStatistics) {
        slots[i] = (bytes, statistics)
    }

    func take(_ i: Int) -> ([UInt8], RunStatistics) {
        let (bytes, statistics) = slots[i]
        slots[i] = ([], nil)
        // INVARIANT: every slot was stored before `take` (see above).
        return (bytes, statistics!)
    }
}
