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
    /// - Parameters:
    ///   - workers: threads evaluating; 1 runs everything on the calling thread.
    ///   - encoder: writes the records' bytes (it runs on worker threads).
    ///   - emit: receives each chunk's bytes, in order (on the calling thread).
    public static func evaluateInChunks(_ program: Program, on table: CustomerTable, aggregates: AggregateResults,
                                        workers: Int, chunkSize: Int = 8192, encoder: any RecordEncoder,
                                        emit: ([UInt8]) -> Void) -> RunStatistics {
        let program = program.laidOut(for: table)
        let templates = RecordTemplates(program, encoder: encoder)
        let chunkCount = (table.count + chunkSize - 1) / chunkSize
        let evaluate: @Sendable (Int) -> ([UInt8], RunStatistics) = { chunk in
            let rows = (chunk * chunkSize)..<min(table.count, (chunk + 1) * chunkSize)
            return evaluateRows(rows, program: program, templates: templates, table: table, aggregates: aggregates, encoder: encoder)
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
    static func evaluateRows(_ rows: Range<Int>, program: Program, templates: RecordTemplates, table: CustomerTable,
                             aggregates: AggregateResults, encoder: any RecordEncoder) -> ([UInt8], RunStatistics) {
        var statistics = RunStatistics(program: program)
        var bytes = OutputBytes(capacity: rows.count * 128)
        var evaluator = Evaluator(program, table: table, aggregates: aggregates)
        var records = CustomerRecords()
        var id = OutputBytes()
        for row in rows {
            evaluator.evaluate(row: row, into: &records)
            statistics.count(records, program: program)
            guard !records.entries.isEmpty else { continue }
            id.removeAll()
            encoder.field(0, evaluator.customerID(row), into: &id)
            program.encode(records, id: id, encoder: encoder, templates: templates, into: &bytes)
        }
        statistics.customers = rows.count
        statistics.divisionsByZero = evaluator.divisionsByZero
        return (bytes.bytes(), statistics)
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
