import Foundation

/// MD5 (RFC 1321), for the holdout rule of SPEC section 7: the same digest in
/// every engine a policy runs on. Not for security; for a stable hash only.
public struct MD5 {
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
    /// Bytes not yet making a whole 64-byte block.
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    public init() {
        pending.reserveCapacity(64)
    }

    /// The digest of `bytes`.
    public static func digest<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        var md5 = MD5()
        md5.update(bytes)
        return md5.finish()
    }

    /// The digest of `bytes` as 32 lowercase hex digits.
    public static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        digest(bytes).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The first 4 bytes of the digest read big-endian: the value of its first 8 hex digits.
    public static func leadingWord<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        digest(bytes).prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    public mutating func update<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        for byte in bytes {
            pending.append(byte)
            length &+= 1
            if pending.count == 64 {
                compress(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
    }

    /// The 16-byte digest; padding as RFC 1321 section 3.1–3.2.
    public mutating func finish() -> [UInt8] {
        let bits = length &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for i in 0..<8 { tail.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
        for start in stride(from: 0, to: tail.count, by: 64) { compress(tail[start..<(start + 64)]) }
        var digest: [UInt8] = []
        for word in [state.0, state.1, state.2, state.3] {
            for i in 0..<4 { digest.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))) }
        }
        return digest
    }

    /// The per-step shifts of the four rounds.
    private static let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

    /// `floor(abs(sin(i + 1)) * 2^32)` for i in 0..<64 (RFC 1321 section 3.4).
    private static let sines: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64((abs(sin(Double($0 + 1))) * 4_294_967_296).rounded(.down))) }

    private mutating func compress<Block: Collection<UInt8>>(_ block: Block) where Block.Index == Int {
        var words = [UInt32](repeating: 0, count: 16)
        let base = block.startIndex
        for i in 0..<16 {
            for j in 0..<4 { words[i] |= UInt32(block[base + 4 * i + j]) << (8 * UInt32(j)) }
        }
        var (a, b, c, d) = state
        for step in 0..<64 {
            let round = step / 16
            var f: UInt32, g: Int
            switch round {
            case 0: f = (b & c) | (~b & d); g = step
            case 1: f = (d & b) | (~d & c); g = (5 * step + 1) % 16
            case 2: f = b ^ c ^ d; g = (3 * step + 5) % 16
            default: f = c ^ (b | ~d); g = (7 * step) % 16
            }
            f = f &+ a &+ Self.sines[step] &+ words[g]
            a = d
            d = c
            c = b
            let shift = Self.shifts[round * 4 + step % 4]
            b = b &+ (f << shift | f >> (32 - shift))
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
