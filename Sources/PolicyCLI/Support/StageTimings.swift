import Dispatch

/// How long each stage of a run took, for the benchmark: read, load, aggregates,
/// evaluate, write.
public final class StageTimings: @unchecked Sendable {
    // INVARIANT: filled by the one command that runs, then read after it returns.
    public private(set) var stages: [(name: String, seconds: Double)] = []

    public init() {}

    /// Runs `body` and records its duration under `name`.
    public func measure<T, E: Error>(_ name: String, _ body: () throws(E) -> T) throws(E) -> T {
        let started = DispatchTime.now().uptimeNanoseconds
        defer { add(name, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9) }
        return try body()
    }

    public func add(_ name: String, _ seconds: Double) {
        stages.append((name, seconds))
    }
}

extension Optional where Wrapped == StageTimings {
    /// Measures when timings are wanted; otherwise just runs `body`.
    func measure<T, E: Error>(_ name: String, _ body: () throws(E) -> T) throws(E) -> T {
        switch self {
        case .some(let timings): try timings.measure(name, body)
        case .none: try body()
        }
    }
}
