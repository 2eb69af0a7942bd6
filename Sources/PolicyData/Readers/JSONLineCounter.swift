// Line numbers of record starts in a JSON array, found in one forward pass.

/// Line numbers for increasing byte offsets, counting each byte once overall.
struct JSONLineCounter {
    var offset: Int
    var line: Int

    // INVARIANT: offsets passed in never decrease.
    mutating func line(at target: Int, in p: UnsafeBufferPointer<UInt8>) -> Int {
        while offset < target {
            let b = p[offset]
            if b == ReaderByte.lineFeed {
                line += 1
            } else if b == ReaderByte.carriageReturn, !(offset + 1 < p.count && p[offset + 1] == ReaderByte.lineFeed) {
                line += 1
            }
            offset += 1
        }
        return line
    }
}
