import PolicyFiles

/// How much memory loading a customer file takes, from its size and the length of
/// its rows, so that a file this machine cannot hold is refused before it is read
/// (and a stream once it passes that size), with the figures, instead of running
/// the machine out of memory.
///
/// The figures are measured (`Docs/Reliability.md`): a run holds the file's bytes
/// while it loads, then about `bytesPerCustomer` for each customer's columns, keys
/// and output; the JSON readers hold each cell as a string besides.
public enum LoadEstimate {
    /// Memory per customer besides the file's bytes, by format: the measured figure
    /// (1 M customers of the reference workload: CSV 159 bytes, JSON 514) with half
    /// as much again to spare, for policies that keep more columns.
    static func bytesPerCustomer(_ format: InputFormat) -> Int {
        switch format {
        case .csv, .tsv: 250
        case .json, .jsonl: 800
        }
    }

    /// Bytes per row of the file, from its first block (line ends counted); at least 16.
    static func bytesPerRow(_ firstBlock: [UInt8]) -> Int {
        let lines = firstBlock.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        return max(16, firstBlock.count / max(1, lines))
    }

    /// The memory a file of `size` bytes needs while it is loaded and run.
    public static func bytesNeeded(_ format: InputFormat, size: Int, firstBlock: [UInt8]) -> Int {
        let rows = size / bytesPerRow(firstBlock) + 1
        let (perRows, overflow) = rows.multipliedReportingOverflow(by: bytesPerCustomer(format))
        return overflow ? Int.max : size.addingReportingOverflow(perRows).overflow ? Int.max : size + perRows
    }

    /// The largest file that fits in `memory` bytes.
    public static func largestFile(_ format: InputFormat, firstBlock: [UInt8], memory: Int) -> Int {
        let perByte = 1.0 + Double(bytesPerCustomer(format)) / Double(bytesPerRow(firstBlock))
        return Int(Double(memory) / perByte)
    }

    /// The refusal of a file of `size` bytes (a stream: that has passed `size`).
    public static func tooLarge(_ name: String, format: InputFormat, size: Int, firstBlock: [UInt8], memory: Int,
                                whole: Bool) -> FileError {
        let need = MemoryBudget.describe(bytesNeeded(format, size: size, firstBlock: firstBlock))
        let room = MemoryBudget.describe(memory)
        let what = whole ? "it is \(MemoryBudget.describe(size))" : "it passed \(MemoryBudget.describe(size)) and goes on"
        return FileError(path: name, action: .read, kind: .tooLarge,
                         reason: "\(what), and loading it needs about \(need) of memory, but \(room) are available",
                         help: "split the customers into parts by key and run each part (population aggregates such as "
                             + "percent_rank then see one part only), or run on a machine with more memory")
    }
}
