import PolicyFiles

extension CustomerFile {
    /// Reads a customer file (or standard input) whole: refused at once when its first
    /// block is not text (`TextEncoding.notText`; the loader judges the encoding of the rest), and, when `memory` bytes are all this machine has, refused
    /// before it is read (a stream: once it passes that bound) if it could not be held
    /// while it is used (`LoadEstimate`).
    /// - Parameter name: the name rows and rejects quote (`<stdin>` for standard input).
    public static func read(_ input: InputFile, name: String, format: InputFormat, memory: Int?) throws(FileError) -> CustomerFile {
        let first = try input.peek(InputFile.firstBlockSize)
        let limit = memory.map { LoadEstimate.largestFile(format, firstBlock: first, memory: $0) } ?? Int.max
        let tooLarge = { (size: Int) in
            LoadEstimate.tooLarge(input.name, format: format, size: size, firstBlock: first, memory: memory ?? 0,
                                  whole: input.size != nil)
        }
        if let size = input.size, size > limit { throw tooLarge(size) }
        if TextEncoding.sniff(firstBlock: first, isWholeFile: input.size == first.count) == .notText {
            throw FileError(path: input.name, action: .read, kind: .notText,
                            reason: "it is not text: it holds NUL and control bytes, as a binary file does",
                            help: "pass the customer export itself, as CSV, TSV, JSON or JSON Lines")
        }
        // A regular CSV/TSV file is read in place, a piece at a time (`DelimitedPieces`).
        if format == .csv || format == .tsv, let mapped = MappedFile(input) {
            return CustomerFile(name: name, bytes: FileBytes(mapped: mapped), format: format)
        }
        let bytes = try input.readAll(limit: limit, tooLarge: tooLarge)
        return CustomerFile(name: name, bytes: bytes, format: format)
    }

    /// The file as UTF-8 text: UTF-16 with a byte order mark converted, another
    /// encoding or bytes that are not text an error (`CustomerText.prepare`). The
    /// loader does this itself; a reader of the raw bytes (the `expect` columns of a
    /// test's customer file) calls it first.
    public consuming func inUTF8() throws(DataError) -> CustomerFile {
        try CustomerText.prepare(self)
    }
}
