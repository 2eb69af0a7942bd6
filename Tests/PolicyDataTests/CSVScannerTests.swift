import Testing
@testable import PolicyData

/// The scanner looks for the end of an unquoted field eight bytes at a time; it must
/// stop exactly where a byte-by-byte search stops.
@Test(arguments: [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09])
func wordSearchStopsWhereTheByteSearchStops(delimiter: UInt8) {
    var state: UInt64 = 11
    func next(_ n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(n))
    }
    // Mostly text, with stops and high bytes (UTF-8, 0x80 and 0xFF) scattered at every offset.
    let alphabet: [UInt8] = Array("abc 0123456789é".utf8) + [0x80, 0xFF, 0x01, delimiter, 0x0A, 0x0D]
    let word = UInt64(delimiter) &* 0x0101_0101_0101_0101
    for _ in 0..<2_000 {
        let bytes = (0..<next(40)).map { _ in next(4) == 0 ? alphabet[next(alphabet.count)] : alphabet[next(13)] }
        bytes.withUnsafeBufferPointer { p in
            for start in 0...p.count {
                var expected = start
                while expected < p.count, p[expected] != delimiter, p[expected] != 0x0A, p[expected] != 0x0D { expected += 1 }
                var found = CSVScanner.firstStop(p, from: start, delimiter: word)
                while found < p.count, p[found] != delimiter, p[found] != 0x0A, p[found] != 0x0D { found += 1 }
                #expect(found == expected, "\(bytes) from \(start)")
            }
        }
    }
}
