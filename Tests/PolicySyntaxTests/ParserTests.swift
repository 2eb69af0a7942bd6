import Testing
@testable import PolicySyntax

/// Parses `source` and returns the file and the diagnostics as `line:col code message`.
func parse(_ source: String) -> (PolicyFile, [String]) {
    parse(SourceFile(path: "t.policy", text: source))
}

/// The same for a file of any bytes (text that a Swift string cannot hold).
func parse(_ file: SourceFile) -> (PolicyFile, [String]) {
    let (policy, bag) = Parser.parse(file)
    return (policy, bag.sorted.map { d in
        let (line, column) = file.location(of: d.span.start)
        return "\(line):\(column) \(d.code.rawValue) \(d.message)"
    })
}

/// A compact, location-free dump of an expression, to compare trees by shape.
func dump(_ e: Expression) -> String {
    switch e.kind {
    case .number(let t): return t
    case .percent(let t): return t + "%"
    case .string(let parts):
        return "\"" + parts.map { part -> String in
            switch part {
            case .text(let t): return t
            case .expression(let e): return "{" + dump(e) + "}"
            }
        }.joined() + "\""
    case .date(let y, let m, let d): return "\(y)-\(m)-\(d)"
    case .duration(let a, let u): return "(\(a) \(u.rawValue))"
    case .bool(let b): return String(b)
    case .none: return "none"
    case .name(let n): return n.text
    case .list(let items): return "[" + items.map(dump).joined(separator: ", ") + "]"
    case .unary(let op, let x): return "(\(op.rawValue) \(dump(x)))"
    case .binary(let op, let a, let b): return "(\(dump(a)) \(op.rawValue) \(dump(b)))"
    case .between(let v, let lo, let hi): return "(\(dump(v)) between \(dump(lo)) and \(dump(hi)))"
    case .membership(let v, let list, let negated): return "(\(dump(v)) \(negated ? "not in" : "in") \(dump(list)))"
    case .isNone(let v, let negated): return "(\(dump(v)) is \(negated ? "not " : "")none)"
    case .call(let f, let args, let filter):
        return f.text + "(" + args.map(dump).joined(separator: ", ") + (filter.map { " where " + dump($0) } ?? "") + ")"
    case .conditional(let c, let a, let b): return "(if \(dump(c)) then \(dump(a)) else \(dump(b)))"
    case .error: return "<error>"
    }
}

func dumpExpression(_ source: String) -> String {
    let (file, errors) = parse("let x = " + source)
    guard errors.isEmpty, case .let(let d)? = file.declarations.first else { return "errors: \(errors)" }
    return dump(d.value)
}

struct ParserTests {
    @Test(arguments: [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("(1 + 2) * 3", "((1 + 2) * 3)"),
        ("a and b or c", "((a and b) or c)"),
        ("not a = b", "(not (a = b))"),
        ("a ?? 0 > 5", "((a ?? 0) > 5)"),
        ("-x * 2", "((- x) * 2)"),
        ("x between 1 and 2 and y", "((x between 1 and 2) and y)"),
        ("tier in [Platinum, Gold]", "(tier in [Platinum, Gold])"),
        ("tier not in [Gold]", "(tier not in [Gold])"),
        ("birthday is not none", "(birthday is not none)"),
        ("last_order_date + 30 days", "(last_order_date + (30 day))"),
        ("days_until(next_anniversary(birthday))", "days_until(next_anniversary(birthday))"),
        ("count()", "count()"),
        ("address.city = \"Paris\"", "(address.city = \"Paris\")"),
        ("`Total Spend` >= 1_000", "(Total Spend >= 1000)"),
        ("15% * spend", "(15% * spend)"),
        ("\"{name} has {{braces}}\"", "\"{name} has {braces}\""),
        ("\"\\u{4E2D}\\t\\\"q\\\"\"", "\"中\t\"q\"\""),
        ("2026-02-28", "2026-2-28"),
        ("2024-02-29", "2024-2-29"),
        ("9999-12-31", "9999-12-31"),
        ("if a > 1 then b else c + 1", "(if (a > 1) then b else (c + 1))"),
        ("if a then if b then 1 else 2 else 3", "(if a then (if b then 1 else 2) else 3)"),
        ("if a then 1 else if b then 2 else none", "(if a then 1 else (if b then 2 else none))"),
        ("ntile(if count() = 0 then none else spend, 5)", "ntile((if (count() = 0) then none else spend), 5)"),
        ("(if a then 1 else 2) + 3", "((if a then 1 else 2) + 3)"),
    ])
    func expressions(source: String, expected: String) {
        #expect(dumpExpression(source) == expected)
    }

    @Test(arguments: [
        ("let x = a == b", ["1:11 E0106 `==` is not an operator"]),
        ("let x = 2026-02-30", ["1:9 E0105 `2026-02-30` is not a calendar date"]),
        ("let x = 2100-02-29", ["1:9 E0105 `2100-02-29` is not a calendar date"]),
        ("let x = 0000-01-01", ["1:9 E0105 `0000-01-01` is not a calendar date"]),
        ("let x = 2026-13-01", ["1:9 E0105 `2026-13-01` is not a calendar date"]),
        ("let x = a < b < c", ["1:15 E0107 comparisons cannot be chained"]),
        ("rul \"x\" when a then tag \"t\"", ["1:1 E0109 `rul` does not start a declaration"]),
        ("rule \"x\" when a tag \"t\"", ["1:17 E0107 expected `then`, found `tag`"]),
        ("rule \"x\" when a then discont 5%", ["1:22 E0107 expected an action, found `discont`"]),
        ("segment t { Gold total > 5 }", ["1:18 E0107 expected `when` or `otherwise` after the label `Gold`"]),
        ("let x = \"{}\"", ["1:10 E0112 empty `{}` in a string"]),
        ("let x = \"a \\q\"", ["1:12 E0103 unknown escape `\\q`"]),
        ("let x = \"a\\u{0}b\"", ["1:11 E0103 a string cannot hold the NUL character `\\u{0}`"]),
        ("let x = 101 years", ["1:9 E0104 a duration cannot be longer than 100 years"]),
        ("let x = 99999999999999999999999 days", ["1:9 E0104 a duration cannot be longer than 100 years"]),
        // A fuzzer's find: a huge amount with a fraction crashed while the hint was written.
        ("let x = 50222222222222222222222.2222 year", ["1:9 E0104 a duration needs a whole number"]),
        ("let x = (1 + ", ["1:14 E0107 expected a value, found the end of the file"]),
        ("let x = if a then 1", ["1:20 E0107 expected `else`, found the end of the file"]),
        ("let x = if a 1 else 2", ["1:14 E0107 expected `then`, found the number `1`"]),
        ("let x = 1 + if a then 1 else 2", ["1:13 E0107 a conditional in the middle of an expression needs parentheses"]),
    ])
    func syntaxErrors(source: String, expected: [String]) {
        #expect(parse(source).1 == expected)
    }

    @Test func recoversAtTheNextDeclarationAndReportsEveryError() {
        let (file, errors) = parse("""
        let a = 1 +
        let b = 2
        rule "r" when then tag "x"
        let c = 3
        """)
        #expect(errors.count == 2)
        let names = file.declarations.compactMap { d -> String? in if case .let(let l) = d { l.name.text } else { nil } }
        #expect(names == ["b", "c"])
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let source = "let x = " + String(repeating: "(", count: 100_000) + "1"
        let (_, errors) = parse(source)
        #expect(errors.first?.contains("E0111") == true)
    }

    @Test func customerBlockFields() throws {
        let (file, errors) = parse("""
        customer {
          id text key
          email text?
          joined date "dd-MM-yyyy"?
          spend money = 0 from "Total Spend"
          opt_in text in ["email", "sms"]
        }
        """)
        #expect(errors.isEmpty)
        guard case .customer(let block)? = file.declarations.first else { Issue.record("no block"); return }
        #expect(block.fields.map(\.name.text) == ["id", "email", "joined", "spend", "opt_in"])
        #expect(block.fields[0].isKey)
        #expect(block.fields[1].optional)
        #expect(block.fields[2].datePattern?.text == "dd-MM-yyyy" && block.fields[2].optional)
        #expect(block.fields[3].header?.text == "Total Spend" && block.fields[3].defaultValue != nil)
        #expect(block.fields[4].allowed != nil)
    }

    /// The fields of a customer block as `name type[ "pattern"][?][ key][ = default]`.
    static func fields(_ source: String) -> ([String], [String]) {
        let (file, errors) = parse(source)
        guard case .customer(let block)? = file.declarations.first else { return ([], errors) }
        return (block.fields.map { f in
            var out = f.name.text + " " + f.type.text
            if let p = f.datePattern { out += " \"\(p.text)\"" }
            if f.optional { out += "?" }
            if f.isKey { out += " key" }
            if let d = f.defaultValue { out += " = " + dump(d) }
            if let h = f.header { out += " from \(h.text)" }
            return out
        }, errors)
    }

    /// A field may be named like a type (`date` is a common export header) or like the
    /// `key` modifier. Line breaks settle what the words alone leave open.
    @Test(arguments: [
        ("customer {\n  id text key\n  date date\n  text text\n}", ["id text key", "date date", "text text"]),
        ("customer {\n  id text key\n  date date \"dd-MM-yyyy\"?\n  money money = 0 from \"Money\"\n}",
         ["id text key", "date date \"dd-MM-yyyy\"?", "money money = 0 from Money"]),
        ("customer {\n  int int key\n  number number?\n  bool bool = false\n  duration duration?\n}",
         ["int int key", "number number?", "bool bool = false", "duration duration?"]),
        ("customer { id text key date date text text }", ["id text key", "date date", "text text"]),
        ("customer {\n  id text\n  key text key\n}", ["id text", "key text key"]),
        ("customer {\n  id text key\n  key date\n}", ["id text key", "key date"]),
        ("customer { id text key text }", ["id text", "key text"]),
        ("customer {\n  id text key\n  n int = 7\n  days int\n}", ["id text key", "n int = 7", "days int"]),
    ])
    func fieldsNamedLikeTypesOrModifiers(source: String, expected: [String]) {
        let (fields, errors) = Self.fields(source)
        #expect(errors.isEmpty)
        #expect(fields == expected)
    }

    /// A broken field is reported where it is broken, not at the next field or the `}`.
    @Test(arguments: [
        ("customer {\n  id text key\n  date\n  name text\n}", ["3:3 E0107 the field `date` has no type"]),
        ("customer {\n  id text key\n  date\n}", ["3:3 E0107 the field `date` has no type"]),
        ("customer {\n  id text key\n  text text key?\n}", ["3:16 E0107 `?` goes right after the type, as in `text text?`"]),
        ("customer {\n  id text key\n  date date = \n}", ["4:1 E0107 expected a value, found `}`"]),
    ])
    func brokenFieldsAreReportedOnTheirLine(source: String, expected: [String]) {
        #expect(parse(source).1 == expected)
    }

    @Test func ordersBlockMarksItsCustomerField() throws {
        let (file, errors) = parse("""
        orders {
          customer_id text? customer from "CustomerID"
          customer    text
          placed      date "yyyy-MM-dd HH:mm:ss" from "InvoiceDate"
        }
        """)
        #expect(errors.isEmpty)
        guard case .orders(let block)? = file.declarations.first else { Issue.record("no orders block"); return }
        #expect(block.fields.map(\.name.text) == ["customer_id", "customer", "placed"])
        #expect(block.fields.map(\.isCustomer) == [true, false, false])
        #expect(block.fields[0].optional && block.fields[0].header?.text == "CustomerID")
    }

    /// `orders` starts a declaration only as `orders {`: a customer field may be called `orders`.
    @Test func ordersAtALineStartIsAFieldUnlessABlockOpens() {
        let (file, errors) = parse("""
        let x = 1 +
        orders
        let y = count(orders where orders.amount > 100)
        """)
        #expect(errors.isEmpty)
        guard case .let(let x)? = file.declarations.first, case .let(let y)? = file.declarations.last else {
            Issue.record("no lets"); return
        }
        #expect(dump(x.value) == "(1 + orders)")
        #expect(dump(y.value) == "count(orders where (orders.amount > 100))")
    }

    @Test func whereEndsTheArgumentsOfACall() {
        #expect(parse("let s = sum(orders.a * orders.b where orders.c > 0 and orders.d = \"x\")").1.isEmpty)
        // `where` is no reserved word: it can name a field elsewhere.
        let (file, errors) = parse("let w = where + 1")
        #expect(errors.isEmpty)
        guard case .let(let w)? = file.declarations.first else { Issue.record("no let"); return }
        #expect(dump(w.value) == "(where + 1)")
        #expect(parse("let s = sum(where)").1.isEmpty)
        #expect(parse("let s = count(orders where)").1 == ["1:27 E0107 expected a value, found `)`"])
    }

    @Test func testsTakeOrderRecordsAndFiles() {
        let (file, errors) = parse("""
        test "orders" {
          order { customer_id: "T1", amount: 10 }
          orders "data/orders.csv"
          expect tag "x"
        }
        """)
        #expect(errors.isEmpty)
        guard case .test(let t)? = file.declarations.first else { Issue.record("no test"); return }
        #expect(t.orders.count == 1 && t.orderFiles.map(\.path) == ["data/orders.csv"])
    }

    @Test func actionsAndResolve() {
        let (file, errors) = parse("""
        rule "Service" when c > 0 then alert open_complaint severity high "call {name}", contact phone "callback" within 1 day, discount 5%
        resolve discount by sum max 30%
        resolve contact by first per channel
        """)
        #expect(errors.isEmpty)
        guard case .rule(let rule)? = file.declarations.first else { Issue.record("no rule"); return }
        #expect(rule.actions.map(\.kind) == [.alert, .contact, .discount])
        guard case .resolve(let r)? = file.declarations.last else { Issue.record("no resolve"); return }
        #expect(r.strategy.text == "first" && r.perChannel?.text == "channel")
    }

    @Test func testBlocks() {
        let (file, errors) = parse("""
        test "gold" {
          as of 2026-11-22
          customer { id: "T1", total_spend: 6000, last_order_date: 2026-11-01 }
          expect tier Gold
          expect discount 15%
          expect no alert
          expect no actions
          expect alert churn_risk
          expect customer "T1" tier Gold
          expect days_inactive = 21
          expect contact
        }
        """)
        #expect(errors.isEmpty)
        guard case .test(let t)? = file.declarations.first else { Issue.record("no test"); return }
        #expect(t.customers.count == 1 && t.expectations.count == 8)
    }
}

/// Policy text is UTF-8: a byte that is not, anywhere (a comment, a string), is an
/// error, never a silent U+FFFD (which `policy fmt` would then write back).
struct PolicyTextEncodingTests {
    @Test func bytesThatAreNotUTF8AreErrorsWhereverTheyStand() {
        let bytes = Array("# caf".utf8) + [0xE9] + Array("\nlet a = \"".utf8) + [0xFF, 0x00] + Array("\"\nlet b = 1\n".utf8)
        #expect(parse(SourceFile(path: "t.policy", bytes: bytes)).1 == [
            "1:6 E0101 the byte `\\xE9` is not UTF-8 text",
            "2:10 E0101 the byte `\\xFF` is not UTF-8 text",
            "2:11 E0101 a NUL byte, which no text holds",
        ])
    }
}
