import PolicySemantics

/// Which segment labels and rules the tests reached, per policy file. A label is
/// reached when a tested customer gets it; a rule when its condition holds for a
/// tested customer (even if `resolve` then drops its actions).
public struct Coverage: Sendable {
    /// One label or rule, in file order.
    public struct Item: Sendable {
        /// `label Gold of segment tier`, `rule "Loyalty discount"`.
        public var description: String
        public var reached: Bool
    }

    /// Items per policy file path, in the order files were first seen.
    public private(set) var files: [(path: String, items: [Item])] = []
    private var index: [String: (file: Int, item: Int)] = [:]

    public init() {}

    static func labelKey(_ path: String, _ segment: String, _ label: String) -> String { "\(path)\u{1}\(segment)\u{1}\(label)" }
    static func ruleKey(_ path: String, _ rule: String) -> String { "\(path)\u{2}\(rule)" }

    /// Adds every label and rule of a policy (once, however many policies use a file).
    mutating func register(_ policy: CheckedPolicy) {
        for segment in policy.segments {
            for label in segment.labels {
                add(Self.labelKey(segment.span.file.path, segment.name, label), path: segment.span.file.path,
                    description: "label \(label) of segment \(segment.name)")
            }
        }
        for rule in policy.rules {
            add(Self.ruleKey(rule.span.file.path, rule.name), path: rule.span.file.path, description: "rule \"\(rule.name)\"")
        }
    }

    private mutating func add(_ key: String, path: String, description: String) {
        guard index[key] == nil else { return }
        let file: Int
        if let existing = files.firstIndex(where: { $0.path == path }) {
            file = existing
        } else {
            files.append((path, []))
            file = files.count - 1
        }
        files[file].items.append(Item(description: description, reached: false))
        index[key] = (file, files[file].items.count - 1)
    }

    mutating func mark(_ key: String) {
        guard let (file, item) = index[key] else { return }
        files[file].items[item].reached = true
    }

    /// Marks what one customer's outcome reached.
    mutating func mark(_ policy: CheckedPolicy, labels: [Int?], firedRules: [Int]) {
        for (s, label) in labels.enumerated() {
            guard let label else { continue }
            let segment = policy.segments[s]
            mark(Self.labelKey(segment.span.file.path, segment.name, segment.labels[label]))
        }
        for r in firedRules {
            mark(Self.ruleKey(policy.rules[r].span.file.path, policy.rules[r].name))
        }
    }

    /// The share of a file's items reached, from 0 to 100 (100 for a file with none).
    public static func percent(_ items: [Item]) -> Double {
        items.isEmpty ? 100 : Double(items.filter(\.reached).count) * 100 / Double(items.count)
    }
}
