import Testing
import PolicyValues

struct MD5Tests {
    /// The test suite of RFC 1321, appendix A.5.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func rfc1321TestSuite(input: String, digest: String) {
        #expect(MD5.hex(Array(input.utf8)) == digest)
    }

    /// Lengths around the 56- and 64-byte padding boundaries (one block of padding or two).
    @Test func paddingBoundaries() {
        // Digests of "x" repeated n times, from Python's hashlib.
        let expected = [
            55: "04364420e25c512fd958a70738aa8f72", 56: "668a72d5ba17f08e62dabcafad6db14b",
            63: "7dc2ca208106a2f703567bdff99d8981", 64: "c1bb4f81d892b2d57947682aeb252456",
            65: "1bc932052302d074bdec39795fe00cf6", 119: "ab347a5f68c8a443cfcddc633f12c24f",
            120: "fb98667f98096de92620b64f46e1c5b5", 128: "d69cb61a6ee87200676eb0d4b90edbcb",
        ]
        for (n, digest) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(MD5.hex(Array(repeating: UInt8(ascii: "x"), count: n)) == digest, "\(n) bytes")
        }
    }

    @Test func leadingWordIsTheFirstEightHexDigits() {
        // md5("abc") begins 90015098.
        #expect(Array("abc".utf8).withUnsafeBytes { MD5.leadingWord($0) } == 0x9001_5098)
        // Multi-byte text is hashed as its UTF-8 bytes.
        #expect(MD5.hex(Array("会员".utf8)) == MD5.hex([0xe4, 0xbc, 0x9a, 0xe5, 0x91, 0x98]))
    }
}
