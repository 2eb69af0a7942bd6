import Foundation
import Testing
@testable import PolicyCLI

/// `policy check` (parse, check, plan and lint, in-process) grows linearly with the
/// size of a policy: ten times the labels or rules may take at most fifteen times as
/// long, where a check that compares every pair would take about a hundred times.
/// Ratios, not absolute times, so that a slow machine does not fail it; each size is
/// timed five times and the best run taken, and the time is the thread's processor
/// time (the check runs on one thread), so that other processes on a busy machine
/// disturb it little.
@Suite(.serialized)
struct CheckScalingTests {
    /// Large generated policies of the shapes that once made the lints quadratic.
    enum Shape: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// `L1 when spend >= 1`, `L2 when spend >= 2`, ... `Lk otherwise`: every label
        /// after the first is unreachable (W0101 for each).
        case labelLadder
        /// `rule "Ri" when spend >= i then discount`: each can fire with every earlier
        /// one (W0102 for each).
        case overlappingRules
        /// `rule "Ri" when spend between i and i.5 then discount`: none can fire with
        /// another, which takes comparing rather than finding a partner at once.
        case exclusiveRules

        var testDescription: String { rawValue }

        /// Sized so that the small policy takes a few tens of milliseconds in a debug build.
        var smallSize: Int {
            switch self {
            case .labelLadder: 600
            case .overlappingRules: 400
            case .exclusiveRules: 300
            }
        }

        func source(_ n: Int) -> String {
            var out = "customer {\n  id    text key\n  spend money\n}\n\n"
            switch self {
            case .labelLadder:
                out += "segment tier {\n"
                for i in 1..<n { out += "  L\(i) when spend >= \(i)\n" }
                out += "  L\(n) otherwise\n}\n"
            case .overlappingRules:
                for i in 1...n { out += "rule \"R\(i)\"\n  when spend >= \(i)\n  then discount \(i % 50 + 1)%\n\n" }
            case .exclusiveRules:
                for i in 1...n { out += "rule \"R\(i)\"\n  when spend between \(i) and \(i).5\n  then discount \(i % 50 + 1)%\n\n" }
            }
            return out
        }
    }

    /// The best of five runs of `policy check` on each source, the runs of the two
    /// taking turns so that a busy moment of the machine falls on both alike.
    static func bestTimes(_ small: String, _ large: String) -> (small: Duration, large: Duration) {
        withFiles(["small.policy": small, "large.policy": large]) { dir in
            var best = [Duration.seconds(1_000), Duration.seconds(1_000)]
            for _ in 0..<5 {
                for (k, name) in ["small.policy", "large.policy"].enumerated() {
                    let start = threadTime()
                    let outcome = policy(["check", dir.appendingPathComponent(name).path])
                    best[k] = min(best[k], threadTime() - start)
                    #expect(outcome.code == 0, "\(outcome.stderr.prefix(500))")
                }
            }
            return (best[0], best[1])
        }
    }

    /// The processor time the calling thread has used.
    static func threadTime() -> Duration {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return .seconds(t.tv_sec) + .nanoseconds(t.tv_nsec)
    }

    @Test(arguments: Shape.allCases)
    func checkTimeGrowsLinearlyWithPolicySize(_ shape: Shape) {
        let n = shape.smallSize
        let (small, large) = Self.bestTimes(shape.source(n), shape.source(10 * n))
        #expect(large <= small * 15, "\(shape): \(n) took \(small), \(10 * n) took \(large)")
    }
}
