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
    /// `emit` in input order, while the workers go on with the next chunks; at most
    /// `4 × workers` chunks are in flight, so memory stays bounded however large the
    /// table. The bytes are the same as a single-threaded run's: each chunk is
    /// encoded on its own, and chunks are emitted strictly in order.
    ///
    /// Customers go through the flat evaluator (`FlatProgram`), or through the node
    /// tree when the policy has `resolve` lines or `treeOnly` asks for it (tests
    /// compare the two); both give the same bytes.
    ///
    /// - Parameters:
    ///   - workers: threads evaluating; 1 runs everything on the calling thread.
    ///   - encoder: writes the records' bytes (it runs on worker threads).
    ///   - emit: receives each chunk's bytes, in order (on the calling thread).
    public static func evaluateInChunks(_ program: Program, on table: CustomerTable, aggregates: AggregateResults,
                                        workers: Int, chunkSize: Int = 8192, treeOnly: Bool = false,
                                        encoder: any RecordEncoder,
                                        emit: ([UInt8]) -> Void) -> RunStatistics {
        let flat = treeOnly || !program.policy.resolutions.isEmpty ? nil : FlatProgram(program, table: table, aggregates: aggregates)
        let flatPath = flat.map { ($0, RecordTemplates($0, encoder: encoder)) }
        let chunkCount = (table.count + chunkSize - 1) / chunkSize
        let evaluate: @Sendable (Int) -> ([UInt8], RunStatistics) = { chunk in
            let rows = (chunk * chunkSize)..<min(table.count, (chunk + 1) * chunkSize)
            return evaluateRows(rows, program: program, flat: flatPath, table: table, aggregates: aggregates, encoder: encoder)
        }
        var total = RunStatistics(program: program)
        if workers <= 1 {
            for chunk in 0..<chunkCount {
                let (bytes, statistics) = evaluate(chunk)
                emit(bytes)
                total.merge(statistics)
            }
            return total
        }
        let results = ChunkResults(count: chunkCount, window: workers * 4)
        let group = DispatchGroup()
        for _ in 0..<workers {
            DispatchQueue.global().async(group: group) {
                while let chunk = results.claim() {
                    let (bytes, statistics) = evaluate(chunk)
                    results.store(chunk, bytes, statistics)
                }
            }
        }
        for chunk in 0..<chunkCount {
            let (bytes, statistics) = results.take(chunk)
            emit(bytes)
            total.merge(statistics)
        }
        group.wait()
        return total
    }

    /// One chunk's customers, encoded, and what they counted.
    static func evaluateRows(_ rows: Range<Int>, program: Program, flat: (FlatProgram, RecordTemplates)?, table: CustomerTable,
                             aggregates: AggregateResults,
                             encoder: any RecordEncoder) -> ([UInt8], RunStatistics) {
        var statistics = RunStatistics(program: program)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.count * 128)
        if let (flat, templates) = flat {
            var evaluator = FlatEvaluator(flat, program: program, table: table, aggregates: aggregates)
            var scratch = RecordScratch()
            for row in rows {
                evaluator.emit(row: row, encoder: encoder, templates: templates, into: &bytes, scratch: &scratch, statistics: &statistics)
            }
            statistics.divisionsByZero = evaluator.divisionsByZero
        } else {
            var evaluator = Evaluator(program: program, table: table, aggregates: aggregates)
            var outcome = CustomerOutcome()
            for row in rows {
                evaluator.count(row: row, into: &outcome, statistics: &statistics)
                for record in outcome.records { encoder.encode(record, into: &bytes) }
            }
            statistics.divisionsByZero = evaluator.divisionsByZero
        }
        statistics.customers = rows.count
        return (bytes, statistics)
    }
}

/// Chunks handed out to worker threads in order, and their results handed back in
/// order. A worker may run ahead of the reader by at most `window` chunks.
final class ChunkResults: @unchecked Sendable {
    // INVARIANT: slot i is written by the one worker that claimed chunk i, before it
    // signals `ready[i]`; the reader reads it only after waiting on `ready[i]`.
    private let slots: UnsafeMutablePointer<([UInt8], RunStatistics?)>
    private let ready: [DispatchSemaphore]
    /// Chunks that may be claimed before the reader takes more.
    private let permits: DispatchSemaphore
    private let lock = DispatchSemaphore(value: 1)
    private var next = 0
    private let count: Int

    init(count: Int, window: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: ([], nil), count: count)
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        permits = DispatchSemaphore(value: window)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// The next chunk to evaluate, in order; nil when all are claimed. Waits while
    /// the reader is `window` chunks behind.
    func claim() -> Int? {
        permits.wait()
        lock.wait()
        defer { lock.signal() }
        guard next < count else {
            permits.signal()
            return nil
        }
        next += 1
        return next - 1
    }

    func store(_ i: Int, _ bytes: [UInt8], _ statistics: RunStatistics) {
        slots[i] = (bytes, statistics)
        ready[i].signal()
    }

    /// Chunk i's results, once its worker has stored them.
    func take(_ i: Int) -> ([UInt8], RunStatistics) {
        ready[i].wait()
        let (bytes, statistics) = slots[i]
        slots[i] = ([], nil)
        permits.signal()
        // INVARIANT: `ready[i]` is signalled only after the store.
        return (bytes, statistics!)
    }
}
