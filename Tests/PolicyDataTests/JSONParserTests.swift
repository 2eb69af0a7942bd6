// Exact-output tests of the strict JSON parser.
import Testing
import PolicyData

@Test(arguments: [
    ("null", JSONValue.null),
    ("true", .bool(true)),
    ("false", .bool(false)),
    ("0", .number("0")),
    ("-0", .number("-0")),
    ("1.50", .number("1.50")),
    ("1e400", .number("1e400")),
    ("-12.5E-3", .number("-12.5E-3")),
    ("123456789012345678901234567890", .number("123456789012345678901234567890")),
    ("\"\"", .string("")),
    ("\"abc\"", .string("abc")),
    ("\"中文 😀\"", .string("中文 😀")),
    ("[]", .array([])),
    ("{}", .object([])),
    (" \t\r\n [1, \"a\" , null,true,[ ]] \n", .array([.number("1"), .string("a"), .null, .bool(true), .array([])])),
    ("{\"b\": 1, \"a\": {\"c\": [false]}, \"b\": 2}",
     .object([JSONMember("b", .number("1")), JSONMember("a", .object([JSONMember("c", .array([.bool(false)]))])), JSONMember("b", .number("2"))])),
    ("\u{FEFF}{\"k\":\"v\"}", .object([JSONMember("k", .string("v"))])),
])
func jsonParsesValues(_ text: String, _ expected: JSONValue) throws {
    #expect(try JSONParser.parse(text) == expected)
}

@Test(arguments: [
    (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
    (#""\u0041\u00e9\u4E2D""#, "Aé中"),
    (#""\ud83d\ude00""#, "😀"),
    (#""x\uD83D""#, "x\u{FFFD}"),
    (#""\ud83dx""#, "\u{FFFD}x"),
    (#""\ude00""#, "\u{FFFD}"),
    (#""\ud83d\ud83d\ude00""#, "\u{FFFD}😀"),
    (#""\ud83d\u0041""#, "\u{FFFD}A"),
    (#""\ud83d\n""#, "\u{FFFD}\n"),
    (#""a\u0000b""#, "a\u{0}b"),
    (#""中\"文""#, "中\"文"),
])
func jsonResolvesEscapes(_ text: String, _ expected: String) throws {
    #expect(try JSONParser.parse(text) == .string(expected))
}

struct JSONErrorCase: Sendable, CustomTestStringConvertible {
    var input: [UInt8]
    var line: Int
    var column: Int
    var message: String
    init(_ input: String, _ line: Int, _ column: Int, _ message: String) {
        self.init(bytes: Array(input.utf8), line, column, message)
    }
    init(bytes: [UInt8], _ line: Int, _ column: Int, _ message: String) {
        self.input = bytes
        self.line = line
        self.column = column
        self.message = message
    }
    var testDescription: String { String(decoding: input.prefix(40), as: UTF8.self) }
}

let jsonErrorCases: [JSONErrorCase] = [
    JSONErrorCase("", 1, 1, "unexpected end of input: expected a value"),
    JSONErrorCase("   ", 1, 4, "unexpected end of input: expected a value"),
    JSONErrorCase("[1,]", 1, 4, "trailing comma before `]`"),
    JSONErrorCase("{\"a\":1,}", 1, 8, "trailing comma before `}`"),
    JSONErrorCase("[1 2]", 1, 4, "expected `,` or `]` after an array element"),
    JSONErrorCase("{\"a\":1 \"b\":2}", 1, 8, "expected `,` or `}` after an object member"),
    JSONErrorCase("{\"a\" 1}", 1, 6, "expected `:` after an object key"),
    JSONErrorCase("{1:2}", 1, 2, "expected a string key in an object, found `1`"),
    JSONErrorCase("[", 1, 2, "unexpected end of input: expected a value"),
    JSONErrorCase("[1", 1, 3, "unexpected end of input: expected `,` or `]` after an array element"),
    JSONErrorCase("{\"a\":1", 1, 7, "unexpected end of input: expected `,` or `}` after an object member"),
    JSONErrorCase("{\"a\"", 1, 5, "unexpected end of input: expected `:` after an object key"),
    JSONErrorCase("01", 1, 1, "a number cannot have leading zeros"),
    JSONErrorCase("[-01]", 1, 3, "a number cannot have leading zeros"),
    JSONErrorCase("NaN", 1, 1, "nan and infinity are not valid json numbers"),
    JSONErrorCase("[-Infinity]", 1, 2, "nan and infinity are not valid json numbers"),
    JSONErrorCase("1.", 1, 3, "expected a digit after the decimal point"),
    JSONErrorCase("1e+", 1, 4, "expected a digit in the exponent"),
    JSONErrorCase("-", 1, 2, "expected a digit after `-`"),
    JSONErrorCase(".5", 1, 1, "unexpected `.`: expected a value"),
    JSONErrorCase("+1", 1, 1, "unexpected `+`: expected a value"),
    JSONErrorCase("[1]]", 1, 4, "unexpected text after the json value"),
    JSONErrorCase("[1] x", 1, 5, "unexpected text after the json value"),
    JSONErrorCase("\"abc", 1, 5, "unexpected end of input inside a string"),
    JSONErrorCase("\"abc\\", 1, 6, "unexpected end of input inside a string"),
    JSONErrorCase("\"a\\nb", 1, 6, "unexpected end of input inside a string"),
    JSONErrorCase("\"a\nb\"", 1, 3, "unescaped control character U+000A in a string"),
    JSONErrorCase("\"a\\n\u{1}\"", 1, 5, "unescaped control character U+0001 in a string"),
    JSONErrorCase("\"\\x\"", 1, 2, "invalid escape \\x in a string"),
    JSONErrorCase("\"\\u12G4\"", 1, 2, "invalid \\u escape: expected 4 hex digits"),
    JSONErrorCase("\"\\u12", 1, 2, "invalid \\u escape: expected 4 hex digits"),
    JSONErrorCase("tru", 1, 1, "invalid literal: expected `true`"),
    JSONErrorCase("[nulL]", 1, 2, "invalid literal: expected `null`"),
    JSONErrorCase("falsey", 1, 6, "unexpected text after the json value"),
    JSONErrorCase("{\n  \"a\": 1,\n  \"b\": tru\n}", 3, 8, "invalid literal: expected `true`"),
    JSONErrorCase("[\"中文\", x]", 1, 8, "unexpected `x`: expected a value"),
    JSONErrorCase("[1,\r\n2,\r\n]", 3, 1, "trailing comma before `]`"),
    JSONErrorCase("[1,\r2,\r]", 3, 1, "trailing comma before `]`"),
    JSONErrorCase("é", 1, 1, "unexpected `é`: expected a value"),
    JSONErrorCase("[\u{7}]", 1, 2, "unexpected U+0007: expected a value"),
    JSONErrorCase(bytes: [0x22, 0xFF, 0x22], 1, 1, "invalid utf-8 in a string"),
    JSONErrorCase(bytes: [0x5B, 0x22, 0x5C, 0x6E, 0xC3, 0x22, 0x5D], 1, 2, "invalid utf-8 in a string"),
]

@Test(arguments: jsonErrorCases)
func jsonReportsErrorsWithPositions(_ c: JSONErrorCase) {
    #expect(throws: JSONError(line: c.line, column: c.column, message: c.message)) {
        try JSONParser.parse(bytes: c.input)
    }
}

/// Builds `depth` nested arrays around `inner`.
func nestedJSONArrays(_ depth: Int, around inner: JSONValue = .array([])) -> JSONValue {
    var value = inner
    for _ in 1..<depth { value = .array([value]) }
    return value
}

@Test func jsonAcceptsTheDepthLimitExactly() throws {
    let text = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
    #expect(try JSONParser.parse(text) == nestedJSONArrays(256))
    let objects = String(repeating: "{\"a\":", count: 255) + "[]" + String(repeating: "}", count: 255)
    var expected = JSONValue.array([])
    for _ in 0..<255 { expected = .object([JSONMember("a", expected)]) }
    #expect(try JSONParser.parse(objects) == expected)
}

@Test(arguments: [
    (String(repeating: "[", count: 257) + String(repeating: "]", count: 257), 257),
    (String(repeating: "[", count: 100_000), 257),
    (String(repeating: "{\"a\":", count: 100_000), 1_281),
    (String(repeating: "[{\"k\":", count: 50_000), 769),
])
func jsonRefusesDeepNestingWithoutOverflow(_ text: String, _ column: Int) {
    #expect(throws: JSONError(line: 1, column: column, message: "nesting is deeper than 256 levels")) {
        try JSONParser.parse(text)
    }
}

@Test(arguments: [
    (JSONValue.array([.string("q\"\\\n\u{1}é"), .number("1.0"), .null, .bool(false), .object([JSONMember("k", .array([]))])]),
     #"["q\"\\\n\u0001é",1.0,null,false,{"k":[]}]"#),
    (.object([]), "{}"),
    (.string("\t\u{8}\u{C}\r"), #""\t\b\f\r""#),
])
func jsonWritesCompactText(_ value: JSONValue, _ expected: String) throws {
    #expect(value.compactJSON == expected)
    #expect(try JSONParser.parse(expected) == value)
}

@Test func jsonCompactTextOfDeepValueDoesNotRecurse() throws {
    let deep = nestedJSONArrays(256)
    #expect(deep.compactJSON == String(repeating: "[", count: 256) + String(repeating: "]", count: 256))
}

/// Arbitrary bytes never crash or hang the parser.
@Test(arguments: [11, 12, 13, 14])
func jsonSurvivesGarbage(_ seed: UInt64) {
    var state = seed &* 0x9E37_79B9_7F4A_7C15
    let alphabet: [UInt8] = Array("{}[]\":,\\u0123456789abcdefEe.-+ \ntrunlsN中".utf8) + [0xFF, 0x00, 0x1F]
    var parsed = 0
    for _ in 0..<500 {
        var bytes: [UInt8] = []
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let length = Int(state >> 58)
        for _ in 0..<length {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes.append(alphabet[Int(state >> 33) % alphabet.count])
        }
        do {
            _ = try JSONParser.parse(bytes: bytes)
            parsed += 1
        } catch {
            #expect(error.line >= 1 && error.column >= 1 && !error.message.isEmpty)
        }
        _ = JSONRecords.fromLines(bytes: bytes)
    }
    #expect(parsed < 500)
}
