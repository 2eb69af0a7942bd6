import PolicyFiles

/// The customer file formats `policy run` reads.
public enum InputFormat: String, Sendable, CaseIterable {
    case csv, tsv, json, jsonl

    /// The format a file name implies (`.ndjson` is JSON Lines); nil when unknown.
    public init?(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { self = .csv }
        else if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { self = .tsv }
        else if lower.hasSuffix(".json") { self = .json }
        else if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { self = .jsonl }
        else { return nil }
    }
}

/// A customer file read into memory: its name for messages, its bytes, its format.
public struct CustomerFile: Sendable {
    public var name: String
    public var bytes: FileBytes
    public var format: InputFormat

    public init(name: String, bytes: [UInt8], format: InputFormat) {
        self.init(name: name, bytes: FileBytes(bytes), format: format)
    }

    public init(name: String, bytes: FileBytes, format: InputFormat) {
        self.name = name
        self.bytes = bytes
        self.format = format
    }
}
