// Byte constants shared by the CSV and JSON readers.
// The readers work on raw UTF-8 bytes, never on `Character`, so that the hot
// loops are plain integer comparisons.

/// ASCII byte values the readers look for.
enum ReaderByte {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let tab: UInt8 = 0x09
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B
    static let backslash: UInt8 = 0x5C

    /// Length of the UTF-8 byte order mark at the start of `bytes`, or 0.
    static func byteOrderMarkLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return 3 }
        return 0
    }

    /// True for a UTF-8 continuation byte (10xxxxxx); columns count the others.
    @inline(__always)
    static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}
