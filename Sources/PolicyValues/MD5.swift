/// MD5 (RFC 1321), for the holdout rule of SPEC section 7: the same digest in
/// every engine a policy runs on. Not for security; for a stable hash only.
/// One call hashes one message held in memory; a customer's key hashes without
/// allocating.
public enum MD5 {
    /// The 16-byte digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        let state = bytes.withUnsafeBytes { hash($0) }
        var digest: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3] {
            for i in 0..<4 { digest.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))) }
        }
        return digest
    }

    /// The digest of `bytes` as 32 lowercase hex digits.
    public static func hex(_ bytes: [UInt8]) -> String {
        digest(bytes).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The value of the digest's first 8 hex digits: its first 4 bytes read big-endian.
    public static func leadingWord(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        hash(bytes).0.byteSwapped
    }

    /// The four state words after the whole message, padded as RFC 1321 sections 3.1–3.2.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> (UInt32, UInt32, UInt32, UInt32) {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
        let whole = bytes.count / 64 * 64
        var offset = 0
        while offset < whole {
            compress(&state, bytes.baseAddress! + offset)
            offset += 64
        }
        // The rest, the 0x80 byte, zeros, and the length in bits: one block or two.
        withUnsafeTemporaryAllocation(byteCount: 128, alignment: 8) { tail in
            tail.initializeMemory(as: UInt8.self, repeating: 0)
            let rest = bytes.count - whole
            if rest > 0 { tail.baseAddress!.copyMemory(from: bytes.baseAddress! + whole, byteCount: rest) }
            tail[rest] = 0x80
            let blocks = rest < 56 ? 1 : 2
            tail.storeBytes(of: (UInt64(bytes.count) &* 8).littleEndian, toByteOffset: blocks * 64 - 8, as: UInt64.self)
            for block in 0..<blocks { compress(&state, UnsafeRawPointer(tail.baseAddress! + block * 64)) }
        }
        return state
    }

    /// One block: the 64 steps of RFC 1321 section 3.4, written out. The constants
    /// are `floor(abs(sin(i + 1)) * 2^32)`; each step's shift is the round's.
    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawPointer) {
        var (a, b, c, d) = state
        a = stepF(a, b, c, d, word(block, 0), 0xd76a_a478, 7)
        d = stepF(d, a, b, c, word(block, 1), 0xe8c7_b756, 12)
        c = stepF(c, d, a, b, word(block, 2), 0x2420_70db, 17)
        b = stepF(b, c, d, a, word(block, 3), 0xc1bd_ceee, 22)
        a = stepF(a, b, c, d, word(block, 4), 0xf57c_0faf, 7)
        d = stepF(d, a, b, c, word(block, 5), 0x4787_c62a, 12)
        c = stepF(c, d, a, b, word(block, 6), 0xa830_4613, 17)
        b = stepF(b, c, d, a, word(block, 7), 0xfd46_9501, 22)
        a = stepF(a, b, c, d, word(block, 8), 0x6980_98d8, 7)
        d = stepF(d, a, b, c, word(block, 9), 0x8b44_f7af, 12)
        c = stepF(c, d, a, b, word(block, 10), 0xffff_5bb1, 17)
        b = stepF(b, c, d, a, word(block, 11), 0x895c_d7be, 22)
        a = stepF(a, b, c, d, word(block, 12), 0x6b90_1122, 7)
        d = stepF(d, a, b, c, word(block, 13), 0xfd98_7193, 12)
        c = stepF(c, d, a, b, word(block, 14), 0xa679_438e, 17)
        b = stepF(b, c, d, a, word(block, 15), 0x49b4_0821, 22)
        a = stepG(a, b, c, d, word(block, 1), 0xf61e_2562, 5)
        d = stepG(d, a, b, c, word(block, 6), 0xc040_b340, 9)
        c = stepG(c, d, a, b, word(block, 11), 0x265e_5a51, 14)
        b = stepG(b, c, d, a, word(block, 0), 0xe9b6_c7aa, 20)
        a = stepG(a, b, c, d, word(block, 5), 0xd62f_105d, 5)
        d = stepG(d, a, b, c, word(block, 10), 0x0244_1453, 9)
        c = stepG(c, d, a, b, word(block, 15), 0xd8a1_e681, 14)
        b = stepG(b, c, d, a, word(block, 4), 0xe7d3_fbc8, 20)
        a = stepG(a, b, c, d, word(block, 9), 0x21e1_cde6, 5)
        d = stepG(d, a, b, c, word(block, 14), 0xc337_07d6, 9)
        c = stepG(c, d, a, b, word(block, 3), 0xf4d5_0d87, 14)
        b = stepG(b, c, d, a, word(block, 8), 0x455a_14ed, 20)
        a = stepG(a, b, c, d, word(block, 13), 0xa9e3_e905, 5)
        d = stepG(d, a, b, c, word(block, 2), 0xfcef_a3f8, 9)
        c = stepG(c, d, a, b, word(block, 7), 0x676f_02d9, 14)
        b = stepG(b, c, d, a, word(block, 12), 0x8d2a_4c8a, 20)
        a = stepH(a, b, c, d, word(block, 5), 0xfffa_3942, 4)
        d = stepH(d, a, b, c, word(block, 8), 0x8771_f681, 11)
        c = stepH(c, d, a, b, word(block, 11), 0x6d9d_6122, 16)
        b = stepH(b, c, d, a, word(block, 14), 0xfde5_380c, 23)
        a = stepH(a, b, c, d, word(block, 1), 0xa4be_ea44, 4)
        d = stepH(d, a, b, c, word(block, 4), 0x4bde_cfa9, 11)
        c = stepH(c, d, a, b, word(block, 7), 0xf6bb_4b60, 16)
        b = stepH(b, c, d, a, word(block, 10), 0xbebf_bc70, 23)
        a = stepH(a, b, c, d, word(block, 13), 0x289b_7ec6, 4)
        d = stepH(d, a, b, c, word(block, 0), 0xeaa1_27fa, 11)
        c = stepH(c, d, a, b, word(block, 3), 0xd4ef_3085, 16)
        b = stepH(b, c, d, a, word(block, 6), 0x0488_1d05, 23)
        a = stepH(a, b, c, d, word(block, 9), 0xd9d4_d039, 4)
        d = stepH(d, a, b, c, word(block, 12), 0xe6db_99e5, 11)
        c = stepH(c, d, a, b, word(block, 15), 0x1fa2_7cf8, 16)
        b = stepH(b, c, d, a, word(block, 2), 0xc4ac_5665, 23)
        a = stepI(a, b, c, d, word(block, 0), 0xf429_2244, 6)
        d = stepI(d, a, b, c, word(block, 7), 0x432a_ff97, 10)
        c = stepI(c, d, a, b, word(block, 14), 0xab94_23a7, 15)
        b = stepI(b, c, d, a, word(block, 5), 0xfc93_a039, 21)
        a = stepI(a, b, c, d, word(block, 12), 0x655b_59c3, 6)
        d = stepI(d, a, b, c, word(block, 3), 0x8f0c_cc92, 10)
        c = stepI(c, d, a, b, word(block, 10), 0xffef_f47d, 15)
        b = stepI(b, c, d, a, word(block, 1), 0x8584_5dd1, 21)
        a = stepI(a, b, c, d, word(block, 8), 0x6fa8_7e4f, 6)
        d = stepI(d, a, b, c, word(block, 15), 0xfe2c_e6e0, 10)
        c = stepI(c, d, a, b, word(block, 6), 0xa301_4314, 15)
        b = stepI(b, c, d, a, word(block, 13), 0x4e08_11a1, 21)
        a = stepI(a, b, c, d, word(block, 4), 0xf753_7e82, 6)
        d = stepI(d, a, b, c, word(block, 11), 0xbd3a_f235, 10)
        c = stepI(c, d, a, b, word(block, 2), 0x2ad7_d2bb, 15)
        b = stepI(b, c, d, a, word(block, 9), 0xeb86_d391, 21)
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }

    /// The block's i-th 32-bit word, little-endian.
    @inline(__always) private static func word(_ block: UnsafeRawPointer, _ i: Int) -> UInt32 {
        UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 &* i, as: UInt32.self))
    }

    @inline(__always) private static func rotate(_ v: UInt32, _ s: UInt32) -> UInt32 { v << s | v >> (32 &- s) }

    @inline(__always) private static func stepF(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ k: UInt32, _ s: UInt32) -> UInt32 {
        b &+ rotate(a &+ ((b & c) | (~b & d)) &+ x &+ k, s)
    }

    @inline(__always) private static func stepG(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ k: UInt32, _ s: UInt32) -> UInt32 {
        b &+ rotate(a &+ ((b & d) | (c & ~d)) &+ x &+ k, s)
    }

    @inline(__always) private static func stepH(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ k: UInt32, _ s: UInt32) -> UInt32 {
        b &+ rotate(a &+ (b ^ c ^ d) &+ x &+ k, s)
    }

    @inline(__always) private static func stepI(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32, _ k: UInt32, _ s: UInt32) -> UInt32 {
        b &+ rotate(a &+ (c ^ (b | ~d)) &+ x &+ k, s)
    }
}
