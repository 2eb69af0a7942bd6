import PolicySyntax
import PolicySemantics

/// What a run counted, for `--summary`.
public struct RunStatistics: Sendable {
    public var customers = 0
    /// Per segment, the number of customers with each label.
    public var labelCounts: [[Int]]
    /// Per segment, customers that matched no label.
    public var unlabelled: [Int]
    /// Records written per segment (one per labelled customer) and per action kind
    /// (by `ActionKind.ordinal`).
    public var segmentRecords: [Int]
    public var kindRecords = Array(repeating: 0, count: ActionKind.allCases.count)
    public var divisionsByZero = 0
    /// Actions not written because their value was `none`.
    public var skippedNoValue = 0
    /// Records rules produced that are not written, per reason (`Program.suppressionNames`).
    public var suppressed: [Int]
    public let suppressionNames: [String]
    let segmentNames: [String]

    public init(program: Program) {
        labelCounts = program.policy.segments.map { Array(repeating: 0, count: $0.labels.count) }
        unlabelled = Array(repeating: 0, count: program.policy.segments.count)
        segmentRecords = Array(repeating: 0, count: program.policy.segments.count)
        segmentNames = program.policy.segments.map(\.name)
        suppressionNames = program.suppressionNames
        suppressed = Array(repeating: 0, count: suppressionNames.count)
    }

    /// Records written per action name (a segment's records go by its name).
    public var actionCounts: [String: Int] {
        var counts: [String: Int] = [:]
        for (name, n) in zip(segmentNames, segmentRecords) where n > 0 { counts[name, default: 0] += n }
        for kind in ActionKind.allCases where kindRecords[kind.ordinal] > 0 {
            counts[kind.rawValue, default: 0] += kindRecords[kind.ordinal]
        }
        return counts
    }
}

extension RunStatistics {
    /// Counts one customer's records.
    @inline(__always)
    mutating func count(_ records: CustomerRecords, program: Program) {
        for (s, label) in records.labels.enumerated() {
            if label >= 0 {
                labelCounts[s][Int(label)] += 1
                segmentRecords[s] += 1
            } else {
                unlabelled[s] += 1
            }
        }
        for entry in records.entries where !entry.isSegment {
            kindRecords[program.actions[Int(entry.source)].kind.ordinal] += 1
        }
        skippedNoValue += records.skippedNoValue
        for s in records.suppressed { suppressed[program.suppressionIndex(s.reason)] += 1 }
    }
}

/// Runs a planned policy over a loaded customer table (its aggregates computed
/// first): every customer in input order, in chunks on every core.
public enum PolicyRun {}

extension ActionKind {
    /// The kind's position in `allCases`, for counting without hashing names.
    var ordinal: Int {
        switch self {
        case .discount: 0
        case .gift: 1
        case .points: 2
        case .credit: 3
        case .alert: 4
        case .contact: 5
        case .tag: 6
        }
    }
}
