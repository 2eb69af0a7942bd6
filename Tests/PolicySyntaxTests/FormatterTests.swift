import Foundation
import Testing
@testable import PolicySyntax

// MARK: - Helpers

/// Formats `source`, which must parse without errors.
func formatted(_ source: String, path: String = "t.policy") -> String {
    let (policy, bag) = Parser.parse(SourceFile(path: path, text: source))
    #expect(!bag.hasErrors, "\(path) does not parse: \(DiagnosticRenderer().render(bag.items))")
    return PolicyFormatter.format(policy)
}

/// A location-free dump of every declaration, to compare trees by shape.
func dumpDeclarations(_ file: PolicyFile) -> [String] {
    func opt(_ e: PolicySyntax.Expression?) -> String { e.map(dump) ?? "-" }
    return file.declarations.map { declaration -> String in
        switch declaration {
        case .title(let t, _): return "title \(t)"
        case .use(let p, _): return "use \(p)"
        case .customer(let block), .orders(let block):
            let word = if case .orders = declaration { "orders " } else { "customer " }
            return word + block.fields.map { f in
                "{\(f.name.text) \(f.type.text) \(f.datePattern?.text ?? "-") \(f.optional) \(f.isKey) \(f.isCustomer) \(opt(f.defaultValue)) \(opt(f.allowed)) \(f.header?.text ?? "-")}"
            }.joined(separator: " ")
        case .let(let l): return "let \(l.name.text) = \(dump(l.value))"
        case .segment(let s):
            return "segment \(s.name.text) " + s.cases.map { "\($0.label.text):\(opt($0.condition))" }.joined(separator: " ")
        case .rule(let r):
            let modifier = switch r.modifier {
            case .once?: "once "
            case .oncePer(let w)?: "once per \(dump(w)) "
            case .onceFor(let o)?: "once for \(dump(o)) "
            case nil: ""
            }
            let quota = r.quota.map { q in
                "\(q.form) \(dump(q.amount)) \(q.saysCustomers) by \(dump(q.order)) \(q.direction?.text ?? "-") "
            } ?? ""
            return "rule \(r.name) \(modifier)\(quota)when \(dump(r.condition)) then " + r.actions.map { a -> String in
                switch a.form {
                case .valued(let v): return "\(a.kind) \(dump(v))"
                case .alert(let n, let s, let m): return "alert \(n.text) \(s?.text ?? "-") \(opt(m))"
                case .contact(let c, let t, let w): return "contact \(c.text) \(dump(t)) \(opt(w))"
                }
            }.joined(separator: ", ")
        case .resolve(let r):
            return "resolve \(r.kind.text) \(r.strategy.text) \(opt(r.cap)) \(r.perChannel?.text ?? "-")"
        case .limit(let l):
            return "limit \(l.kind.text) \(dump(l.count)) \(dump(l.window)) \(l.perChannel?.text ?? "-") \(l.except.map(\.name))"
        case .holdout(let h):
            return "holdout \(dump(h.share)) \(h.seed.text) \(h.except.map(\.name))"
        case .test(let t):
            var out = "test \(t.name) as of \(opt(t.asOf))"
            for c in t.customers { out += " customer{" + c.values.map { "\($0.name.text): \(dump($0.value))" }.joined(separator: ", ") + "}" }
            for f in t.customerFiles { out += " customers \(f.path)" }
            for r in t.sent { out += " sent{" + r.values.map { "\($0.name.text): \(dump($0.value))" }.joined(separator: ", ") + "}" }
            for e in t.expectations {
                out += " expect \(e.customer?.id ?? "-") "
                switch e.form {
                case .label(let s, let l): out += "label \(s.text) \(l.text)"
                case .action(let k, let v): out += "action \(k) \(opt(v))"
                case .suppressed(let k, let v): out += "suppressed \(k) \(opt(v))"
                case .noAction(let k): out += "no \(k.map(\.rawValue) ?? "actions")"
                case .condition(let c): out += "condition \(dump(c))"
                }
            }
            return out
        }
    }
}

/// The text of every comment, trailing blanks removed, in file order.
func commentTexts(_ file: PolicyFile) -> [String] {
    file.comments.map { span in
        var text = Substring(span.text)
        while text.last == " " || text.last == "\t" || text.last == "\r" { text.removeLast() }
        return String(text)
    }
}

/// The formatter's promises for one input: the output parses, means the same
/// (same tree), keeps every comment in order, and formatting it again changes nothing.
func expectFormattingKeepsMeaning(_ source: String, path: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let (before, bag) = Parser.parse(SourceFile(path: path, text: source))
    #expect(!bag.hasErrors, "\(path): the input does not parse", sourceLocation: sourceLocation)
    guard !bag.hasErrors else { return }
    let once = PolicyFormatter.format(before)
    let (after, afterBag) = Parser.parse(SourceFile(path: path, text: once))
    #expect(!afterBag.hasErrors, "\(path): the formatted text does not parse:\n\(DiagnosticRenderer().render(afterBag.items))\n\(once)",
            sourceLocation: sourceLocation)
    #expect(dumpDeclarations(after) == dumpDeclarations(before), "\(path): formatting changed the tree:\n\(source)\n---\n\(once)",
            sourceLocation: sourceLocation)
    #expect(commentTexts(after) == commentTexts(before), "\(path): comments lost or reordered:\n\(source)\n---\n\(once)",
            sourceLocation: sourceLocation)
    let twice = PolicyFormatter.format(after)
    #expect(twice == once, "\(path): formatting is not idempotent:\n\(once)\n---\n\(twice)", sourceLocation: sourceLocation)
}

let formatGoldenDirectory = repository.appendingPathComponent("Tests/PolicySyntaxTests/Format")

/// The golden inputs `Format/NAME.policy`, each with its `NAME.policy.formatted`.
func formatGoldenInputs() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: formatGoldenDirectory.path)) ?? []
    return names.filter { $0.hasSuffix(".policy") }.sorted()
}

// MARK: - Golden files

struct FormatterGoldenTests {
    @Test func thereAreGoldenPairs() {
        #expect(formatGoldenInputs().count >= 5)
    }

    /// `Format/NAME.policy` formats to `Format/NAME.policy.formatted`;
    /// `POLICY_RECORD=1 swift test` re-records the expected files.
    @Test(arguments: formatGoldenInputs())
    func formatsLikeTheGoldenFile(_ name: String) throws {
        let input = try String(contentsOf: formatGoldenDirectory.appendingPathComponent(name), encoding: .utf8)
        let output = formatted(input, path: name)
        let expectedURL = formatGoldenDirectory.appendingPathComponent(name + ".formatted")
        if ProcessInfo.processInfo.environment["POLICY_RECORD"] != nil {
            try output.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = (try? String(contentsOf: expectedURL, encoding: .utf8)) ?? "<missing \(name).formatted>"
        #expect(output == expected, "\(name) formats differently (POLICY_RECORD=1 swift test re-records it)")
        expectFormattingKeepsMeaning(input, path: name)
        // A formatted file is a fixed point.
        #expect(formatted(expected, path: name + ".formatted") == expected)
    }
}

// MARK: - Properties

struct FormatterPropertyTests {
    @Test func everyPolicyInRulesKeepsItsMeaningAndIsFormatted() throws {
        let policies = files(under: "Rules", ending: ".policy")
        #expect(!policies.isEmpty)
        for url in policies {
            let text = try String(contentsOf: url, encoding: .utf8)
            expectFormattingKeepsMeaning(text, path: url.lastPathComponent)
            #expect(formatted(text, path: url.lastPathComponent) == text, "\(url.lastPathComponent) is not formatted: run policy fmt Rules/")
        }
    }

    @Test func randomProgramsKeepTheirMeaning() {
        var generator = SeededGenerator(state: 0x5EED_F0_0D)
        for index in 0..<300 {
            var program = RandomProgram(generator: generator)
            let text = program.file()
            generator = program.generator
            expectFormattingKeepsMeaning(text, path: "random-\(index).policy")
        }
    }
}

// MARK: - Layout rules, one at a time

struct FormatterLayoutTests {
    @Test(arguments: [
        ("let x = a+b*c", "let x = a + b * c"),
        ("let x = (a + b) * c", "let x = (a + b) * c"),
        ("let x = a + (b * c)", "let x = a + (b * c)"),
        ("let x = ((a))", "let x = (a)"),
        ("let x = a - (b - c)", "let x = a - (b - c)"),
        ("let x = - ( - a )", "let x = -(-a)"),
        ("let x = not(a) or b", "let x = not (a) or b"),
        ("let x = [ a,b , ]", "let x = [a, b]"),
        ("let x = f( a ,b )", "let x = f(a, b)"),
        ("let x = 1_000 + 15% + 0.50", "let x = 1_000 + 15% + 0.50"),
        ("let x = \"a\\u{4E2D}{ y }\\n\"", "let x = \"a\\u{4E2D}{ y }\\n\""),
        ("let x = 7   days", "let x = 7 days"),
        ("let x = a ?? b ?? c", "let x = a ?? b ?? c"),
        ("let x = a  not  in [b]", "let x = a not in [b]"),
        ("let x = a is  not none", "let x = a is not none"),
        ("let x = a between 1 and 2", "let x = a between 1 and 2"),
        ("let x = if  a>1 then b  else(c)", "let x = if a > 1 then b else (c)"),
        ("let x = (if a then 1 else 2)+3", "let x = (if a then 1 else 2) + 3"),
        ("let x = f(if a then 1 else none , 5)", "let x = f(if a then 1 else none, 5)"),
        ("let x = `Total Spend` + address.city", "let x = `Total Spend` + address.city"),
        ("let x = sum( orders.a*orders.b   where orders.c>1 )", "let x = sum(orders.a * orders.b where orders.c > 1)"),
        ("let x = count(orders  where(if a then b else c))", "let x = count(orders where (if a then b else c))"),
    ])
    func expressions(_ source: String, _ expected: String) {
        #expect(formatted(source) == expected + "\n")
    }

    /// A fuzzer's find: a carriage return before trailing blanks took two formattings to go.
    @Test func aCarriageReturnInACommentGoesAtOnce() {
        expectFormattingKeepsMeaning("#|x\r\t\nlet a = 1 # y\r \r\nlet b = 2\r\n", path: "cr.policy")
        #expect(formatted("#|x\r\t\nlet a = 1") == "#|x\nlet a = 1\n")
    }

    @Test func blankLinesBetweenDeclarations() {
        let source = """
        policy "P"
        let a = 1
        let bb = 2


        let c = 3
        resolve discount by best
        resolve contact by first
        rule "r" when a > 1 then tag "x"
        """
        #expect(formatted(source) == """
        policy "P"

        let a  = 1
        let bb = 2

        let c = 3

        resolve discount by best
        resolve contact by first

        rule "r"
          when a > 1
          then tag "x"

        """)
    }

    @Test func blocksAlignTheirColumns() {
        let source = """
        customer { id text key  total_spend money = 0  opt_in text in ["a","b"] from "Opt In" d date "dd-MM-yyyy"? }
        segment tier { Platinum when x >= 95%  Gold when x >= 80%  Bronze otherwise }
        rule "r" when x > 1 then discount 5%, alert a severity high "m", contact email "t" within 2 days
        """
        #expect(formatted(source) == """
        customer {
          id          text key
          total_spend money = 0
          opt_in      text in ["a", "b"] from "Opt In"
          d           date "dd-MM-yyyy"?
        }

        segment tier {
          Platinum when x >= 95%
          Gold     when x >= 80%
          Bronze   otherwise
        }

        rule "r"
          when x > 1
          then discount 5%,
               alert a severity high "m",
               contact email "t" within 2 days

        """)
    }

    @Test func fieldsNamedLikeTypesKeepTheirMeaning() {
        let source = """
        customer { id text key date date "dd-MM-yyyy" text text?
          key text  n int = 7
          days int }
        """
        expectFormattingKeepsMeaning(source, path: "types.policy")
        #expect(formatted(source) == """
        customer {
          id   text key
          date date "dd-MM-yyyy"
          text text?
          key  text
          n    int = 7
          days int
        }

        """)
    }

    @Test func testItemsKeepTheirOrderAndRecordLineBreaks() {
        let source = """
        test "t" { expect tier Gold
        customer {a:1,b:"x",
        c: 2026-01-01,} as of 2026-11-22 customers "c.csv" expect customer "T1" no actions expect x = 2 expect discount }
        """
        #expect(formatted(source) == """
        test "t" {
          expect tier Gold
          customer { a: 1, b: "x",
                     c: 2026-01-01 }
          as of 2026-11-22
          customers "c.csv"
          expect customer "T1" no actions
          expect x = 2
          expect discount
        }

        """)
    }

    @Test func commentsStayWithTheirElements() {
        let source = """
        # header

        # about the block
        customer {   # the fields
          # the key
          id text key     # trailing
          name text # the name
          # end of block
        }
        let a = 1 +   # inside
          2
        # before rule

        rule "r"  # name
          when a > 1   # condition
          then tag "x",  # first
               tag "y"
        # the end
        """
        #expect(formatted(source) == """
        # header

        # about the block
        customer { # the fields
          # the key
          id   text key # trailing
          name text     # the name
          # end of block
        }

        # inside
        let a = 1 + 2

        # before rule

        rule "r" # name
          when a > 1    # condition
          then tag "x", # first
               tag "y"
        # the end

        """)
    }

    @Test func wideCharactersAlignByTheirWidth() {
        let source = "customer {\n  会员编号 text key\n  姓名 text\n}\n"
        #expect(formatted(source) == "customer {\n  会员编号 text key\n  姓名     text\n}\n")
    }

    @Test func emptyFilesAndCommentOnlyFiles() {
        #expect(formatted("") == "")
        #expect(formatted("\n\n") == "")
        #expect(formatted("# only\n\n\n# comments  \n") == "# only\n\n# comments\n")
    }
}

// MARK: - Random programs from the grammar

/// A random but well-formed `.policy` file with comments in random places, built
/// from the grammar's productions. Every comment text is unique (`c1`, `c2`, ...).
struct RandomProgram {
    var generator: SeededGenerator
    var comments = 0
    /// Stands between tokens where a line break (and a comment) may go.
    static let breakable: Character = "\u{1}"

    static let names = ["a", "b", "total_spend", "orders", "`Total Spend`", "address.city", "消费金额", "x1"]
    static let functions = ["days_since", "min", "max", "round", "percent_rank"]

    init(generator: SeededGenerator) { self.generator = generator }

    mutating func int(_ n: Int) -> Int { Int.random(in: 0..<n, using: &generator) }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    mutating func comment() -> String {
        comments += 1
        return "# c\(comments)" + (chance(20) ? "  " : "")
    }

    mutating func file() -> String {
        var lines: [String] = []
        if chance(50) { lines.append("policy \"Random \(int(100))\"") }
        for _ in 0..<(1 + int(7)) {
            lines += declaration()
        }
        var out = ""
        for line in lines {
            if chance(15) { out += String(repeating: " ", count: int(4)) + comment() + "\n" }
            if chance(15) { out += "\n" }
            out += line
            if chance(20) { out += " " + comment() }
            out += "\n"
        }
        if chance(30) { out += comment() + "\n" }
        return out
    }

    mutating func declaration() -> [String] {
        switch int(8) {
        case 0: return ["use \"shared/x.policy\""]
        case 1:
            var lines = ["customer {"]
            for i in 0..<int(4) { lines.append("  " + field(i)) }
            return lines + ["}"]
        case 2, 3: return ["let " + pick(Self.names) + " = " + spread(expression(.or, depth: 0))]
        case 4:
            var lines = ["segment tier {"]
            for i in 0..<(1 + int(3)) { lines.append("  L\(i) when " + flat(expression(.or, depth: 1))) }
            if chance(50) { lines.append("  Other otherwise") }
            return lines + ["}"]
        case 5:
            var lines = ["rule \"r\(int(1000))\"", "  when " + spread(expression(.or, depth: 0))]
            let count = 1 + int(3)
            for i in 0..<count {
                lines.append((i == 0 ? "  then " : "       ") + action() + (i < count - 1 ? "," : ""))
            }
            return lines
        case 6: return ["resolve discount by " + pick(["best", "first", "sum max 30%"]) + (chance(30) ? " per channel" : "")]
        default:
            var lines = ["test \"t\(int(100))\" {"]
            var items: [String] = ["as of 2026-11-22"]
            for _ in 0..<int(3) { items.append(record()) }
            if chance(30) { items.append("customers \"c.csv\"") }
            for _ in 0..<(1 + int(4)) { items.append(expectation()) }
            items.shuffle(using: &generator)
            lines += items.map { "  " + $0 }
            return lines + ["}"]
        }
    }

    mutating func field(_ i: Int) -> String {
        // Fields named like a type, `key` or a duration unit test where words alone are ambiguous.
        var out = pick(["f\(i)", "f\(i)", "f\(i)", "date", "text", "key", "days"]) + " " + pick(["text", "int", "money", "date", "bool"])
        if out.hasSuffix("date"), chance(30) { out += " \"dd-MM-yyyy\"" }
        if chance(30) { out += "?" }
        if chance(20) { out += " key" }
        if chance(30) { out += " = " + flat(expression(.coalesce, depth: 2)) }
        if chance(20) { out += " in [\"a\", \"b\"]" }
        if chance(20) { out += " from \"Header \(i)\"" }
        return out
    }

    mutating func action() -> String {
        switch int(5) {
        case 0: return "discount " + flat(expression(.or, depth: 2))
        case 1: return "tag \"t\""
        case 2: return "alert churn" + (chance(50) ? " severity high" : "") + (chance(50) ? " \"{name} left\"" : "")
        case 3: return "contact email \"thanks\"" + (chance(50) ? " within 2 days" : "")
        default: return "points " + flat(expression(.additive, depth: 2))
        }
    }

    mutating func record() -> String {
        var pieces: [String] = []
        for i in 0..<int(4) { pieces.append("f\(i): " + flat(expression(.coalesce, depth: 2))) }
        var out = "customer {"
        for (i, piece) in pieces.enumerated() {
            out += (i > 0 && chance(30) ? "\n    " : " ") + piece + (i < pieces.count - 1 ? "," : "")
        }
        return out + " }"
    }

    mutating func expectation() -> String {
        let who = chance(30) ? "customer \"T1\" " : ""
        switch int(5) {
        case 0: return "expect " + who + "tier Gold"
        case 1: return "expect " + who + "discount 15%"
        case 2: return "expect " + who + "no " + pick(["actions", "alert", "gift"])
        case 3: return "expect " + who + "discount"
        default: return "expect " + who + flat(expression(.comparison, depth: 1))
        }
    }

    /// The breakable spaces of `text` as plain spaces.
    func flat(_ text: String) -> String {
        String(text.map { $0 == Self.breakable ? " " : $0 })
    }

    /// The breakable spaces of `text` as spaces, sometimes line breaks with a comment.
    mutating func spread(_ text: String) -> String {
        var out = ""
        for c in text {
            guard c == Self.breakable else { out.append(c); continue }
            switch int(20) {
            case 0: out += " " + comment() + "\n    "
            case 1: out += "\n    "
            default: out += " "
            }
        }
        return out
    }

    /// An expression valid where the grammar expects `level`, with breakable spaces.
    mutating func expression(_ level: Precedence, depth: Int) -> String {
        let s = String(Self.breakable)
        if depth > 3 { return primary(depth: depth) }
        switch level {
        case .lowest where chance(10):
            return "if" + s + expression(.lowest, depth: depth + 1) + s + "then" + s + expression(.lowest, depth: depth + 1)
                + s + "else" + s + expression(.lowest, depth: depth + 1)
        case .lowest, .or:
            return (0..<(1 + int(2))).map { _ in expression(.and, depth: depth + 1) }.joined(separator: s + "or" + s)
        case .and:
            return (0..<(1 + int(2))).map { _ in expression(.not, depth: depth + 1) }.joined(separator: s + "and" + s)
        case .not:
            return chance(15) ? "not" + s + expression(.not, depth: depth + 1) : expression(.comparison, depth: depth)
        case .comparison:
            let left = expression(.coalesce, depth: depth + 1)
            switch int(8) {
            case 0, 1: return left + s + pick(["=", "!=", "<", "<=", ">", ">="]) + s + expression(.coalesce, depth: depth + 1)
            case 2: return left + s + (chance(50) ? "not" + s : "") + "in" + s + list(depth: depth + 1)
            case 3: return left + s + "between" + s + expression(.coalesce, depth: depth + 1) + s + "and" + s + expression(.coalesce, depth: depth + 1)
            case 4: return left + s + "is" + s + (chance(50) ? "not" + s : "") + "none"
            default: return left
            }
        case .coalesce:
            let left = expression(.additive, depth: depth + 1)
            return chance(15) ? left + s + "??" + s + expression(.coalesce, depth: depth + 1) : left
        case .additive:
            return (0..<(1 + int(2))).map { _ in expression(.multiplicative, depth: depth + 1) }.joined(separator: s + pick(["+", "-"]) + s)
        case .multiplicative:
            return (0..<(1 + int(2))).map { _ in expression(.unary, depth: depth + 1) }.joined(separator: s + pick(["*", "/"]) + s)
        case .unary:
            return chance(10) ? "-" + expression(.unary, depth: depth + 1) : primary(depth: depth)
        case .primary:
            return primary(depth: depth)
        }
    }

    mutating func list(depth: Int) -> String {
        let items = (0..<int(3)).map { _ in flat(expression(.additive, depth: depth + 1)) }
        return "[" + items.joined(separator: ",") + (!items.isEmpty && chance(20) ? "," : "") + "]"
    }

    mutating func primary(depth: Int) -> String {
        switch int(depth > 3 ? 6 : 10) {
        case 0: return pick(["1", "1_000", "0.5", "42"])
        case 1: return pick(["15%", "2.5%"])
        case 2: return pick(["\"text\"", "\"a \\\"q\\\" {name}\"", "\"{{x}}\""])
        case 3: return pick(["2026-11-22", "7 days", "1 year", "true", "false", "none"])
        case 4, 5: return pick(Self.names)
        case 6: return "(" + expression(.lowest, depth: depth + 1) + ")"
        case 7:
            let arguments = (0..<int(3)).map { _ in flat(expression(.lowest, depth: depth + 2)) }
            // An aggregate over orders ends in `where COND`.
            let filter = !arguments.isEmpty && chance(20) ? " where " + flat(expression(.lowest, depth: depth + 2)) : ""
            return pick(Self.functions) + "(" + arguments.joined(separator: ", ") + filter + ")"
        case 8: return list(depth: depth)
        default: return "((" + pick(Self.names) + "))"
        }
    }
}
