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
        for k in suppressed.indices { suppressed[k] += other.suppressed[k] }
    }
}

/// One chunk's results: its records encoded, the records suppressed and the
/// records for the history (when asked for), and what it counted.
struct ChunkOutput {
    var bytes: [UInt8]
    var suppressed: [UInt8]
    var history: [UInt8]
    var statistics: RunStatistics
}

/// The outputs of a run besides its records, each encoded when asked for.
public struct SideOutputs {
    /// The records rules produced that are not written: the output's columns, then `reason`.
    public var suppressed: (any RecordEncoder)?
    public var emitSuppressed: ([UInt8]) -> Void
    /// The actions written, for the history: the output's columns, then `as_of` and `occasion`.
    public var history: (any RecordEncoder)?
    public var emitHistory: ([UInt8]) -> Void

    public init(suppressed: (any RecordEncoder)? = nil, emitSuppressed: @escaping ([UInt8]) -> Void = { _ in },
                history: (any RecordEncoder)? = nil, emitHistory: @escaping ([UInt8]) -> Void = { _ in }) {
        self.suppressed = suppressed
        self.emitSuppressed = emitSuppressed
        self.history = history
        self.emitHistory = emitHistory
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
    ///   - side: the outputs besides the records (what is not written, the history),
    ///     encoded when asked for and handed over in order like the records.
    ///   - emit: receives each chunk's bytes, in order (on the calling thread).
    public static func evaluateInChunks(_ program: Program, on table: CustomerTable, aggregates: AggregateResults,
                                        workers: Int, chunkSize: Int = 8192, history: HistoryIndex? = nil,
                                        encoder: any RecordEncoder,
                                        side: SideOutputs = SideOutputs(), emit: ([UInt8]) -> Void) -> RunStatistics {
        let suppressed = side.suppressed, historyEncoder = side.history
        let program = program.laidOut(for: table)
        let templates = RecordTemplates(program, encoder: encoder)
        let historyTemplates = historyEncoder.map { RecordTemplates(program, encoder: $0, asOf: program.asOf.iso) }
        let chunkCount = (table.count + chunkSize - 1) / chunkSize
        // Whom the quotas serve is known only once every customer is seen.
        let quotas = QuotaAdmissions.compute(program, table: table, aggregates: aggregates, history: history, workers: workers)
        let evaluate: @Sendable (Int) -> ChunkOutput = { chunk in
            let rows = (chunk * chunkSize)..<min(table.count, (chunk + 1) * chunkSize)
            return evaluateRows(rows, program: program, templates: templates, table: table, aggregates: aggregates,
                                sent: history, quotas: quotas, encoder: encoder, suppressed: suppressed, history: historyEncoder,
                                historyTemplates: historyTemplates)
        }
        var total = RunStatistics(program: program)
        func deliver(_ output: ChunkOutput) {
            emit(output.bytes)
            if !output.suppressed.isEmpty { side.emitSuppressed(output.suppressed) }
            if !output.history.isEmpty { side.emitHistory(output.history) }
            total.merge(output.statistics)
        }
        if workers <= 1 {
            for chunk in 0..<chunkCount { deliver(evaluate(chunk)) }
            return total
        }
        let results = ChunkResults(count: chunkCount, window: workers * 4)
        let group = DispatchGroup()
        for _ in 0..<workers {
            DispatchQueue.global().async(group: group) {
                while let chunk = results.claim() {
                    results.store(chunk, evaluate(chunk))
                }
            }
        }
        for chunk in 0..<chunkCount { deliver(results.take(chunk)) }
        group.wait()
        return total
    }

    /// One chunk's customers, encoded, and what they counted.
    static func evaluateRows(_ rows: Range<Int>, program: Program, templates: RecordTemplates, table: CustomerTable,
                             aggregates: AggregateResults, sent: HistoryIndex?, quotas: QuotaAdmissions?, encoder: any RecordEncoder,
                             suppressed suppressedEncoder: (any RecordEncoder)?,
                             history historyEncoder: (any RecordEncoder)?, historyTemplates: RecordTemplates?) -> ChunkOutput {
        var statistics = RunStatistics(program: program)
        var bytes = OutputBytes(capacity: rows.count * 128)
        var suppressed = OutputBytes(), history = OutputBytes()
        var evaluator = Evaluator(program, table: table, aggregates: aggregates, history: sent, quotas: quotas)
        var records = CustomerRecords()
        var id = OutputBytes(), historyID = OutputBytes()
        // Asked once, not per customer (an optional existential is copied each time it is read).
        let writesSuppressed = suppressedEncoder != nil, writesHistory = historyEncoder != nil
        for row in rows {
            evaluator.evaluate(row: row, into: &records)
            statistics.count(records, program: program)
            if !records.entries.isEmpty {
                id.removeAll()
                encoder.field(0, evaluator.customerID(row), into: &id)
                program.encode(records, id: id, encoder: encoder, templates: templates, into: &bytes)
            }
            if writesSuppressed, !records.suppressed.isEmpty {
                program.encodeSuppressed(records, id: evaluator.customerID(row), encoder: suppressedEncoder!, into: &suppressed)
            }
            if writesHistory, !records.entries.isEmpty {
                historyID.removeAll()
                historyEncoder!.field(0, evaluator.customerID(row), into: &historyID)
                program.encode(records, id: historyID, encoder: historyEncoder!, templates: historyTemplates!, forHistory: true,
                               into: &history)
            }
        }
        statistics.customers = rows.count
        statistics.divisionsByZero = evaluator.divisionsByZero
        return ChunkOutput(bytes: bytes.bytes(), suppressed: suppressed.bytes(), history: history.bytes(), statistics: statistics)
    }
}

/// Chunks handed out to worker threads in order, and their results handed back in
/// order. A worker may run ahead of the reader by at most `window` chunks.
final class ChunkResults: @unchecked Sendable {
    // INVARIANT: slot i is written by the one worker that claimed chunk i, before it
    // signals `ready[i]`; the reader reads it only after waiting on `ready[i]`.
    private let slots: UnsafeMutablePointer<ChunkOutput?>
    private let ready: [DispatchSemaphore]
    /// Chunks that may be claimed before the reader takes more.
    private let permits: DispatchSemaphore
    private let lock = DispatchSemaphore(value: 1)
    private var next = 0
    private let count: Int

    init(count: Int, window: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
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

    func store(_ i: Int, _ output: ChunkOutput) {
        slots[i] = output
        ready[i].signal()
    }

    /// Chunk i's results, once its worker has stored them.
    func take(_ i: Int) -> ChunkOutput {
        ready[i].wait()
        let output = slots[i]
        slots[i] = nil
        permits.signal()
        // INVARIANT: `ready[i]` is signalled only after the store.
        return output!
    }
}
