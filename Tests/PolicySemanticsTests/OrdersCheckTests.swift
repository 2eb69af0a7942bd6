import Testing
import PolicySyntax
@testable import PolicySemantics

/// The orders block of the tests below: the standard customer block has a field called
/// `orders` too, which stays a customer field.
let ordersBlock = """
orders {
  customer_id text? customer from "CustomerID"
  invoice     text  from "InvoiceNo"
  ordered_on  date "yyyy-MM-dd HH:mm:ss" from "InvoiceDate"
  quantity    int   from "Quantity"
  unit_price  money from "UnitPrice"
}

"""

struct OrdersCheckTests {
    @Test func aggregatesOverOrdersHaveTheTypesOfSpecSection5() throws {
        let policy = try #require(checked(ordersBlock + """
        let lines     = count(orders)
        let counted   = count(orders where not starts_with(orders.invoice, "C"))
        let monetary  = sum(orders.quantity * orders.unit_price)
        let average   = mean(orders.unit_price)
        let frequency = distinct(orders.invoice)
        let first_buy = min(orders.ordered_on)
        let last_buy  = max(orders.ordered_on where orders.quantity > 0)
        let opening   = first(orders.invoice)
        let latest    = last(orders.quantity)
        let f_score   = ntile(if lines = 0 then none else frequency, 5)
        rule "r" when orders > 3 and monetary > 100 and f_score >= 4 then tag "{first_buy} {last_buy} {opening} {latest} {average} {counted}"
        """))
        #expect(policy.lets.map(\.value.type) == [.int, .int, .money, .money, .int, .date, .date, .text, .int, .int])
        #expect(policy.aggregates.filter(\.overOrders).count == 9)
        #expect(policy.aggregates.filter { !$0.overOrders }.map(\.kind) == [.ntile])
        // `orders` alone is still the customer field of that name.
        #expect(policy.orders?.keySlot == 0)
        #expect(policy.orders?.firstDateSlot == 2)
    }

    @Test func anOrderFieldOutsideAnAggregateIsAnErrorWithAHint() {
        let errors = checkErrors(ordersBlock + """
        let big = orders.quantity > 10
        rule "r" when orders.unit_price > 5 and ntile(orders.quantity, 5) = 1 then tag "x"
        """)
        #expect(errors.contains { $0.hasPrefix("8:11 E0215 `orders.quantity` is one order's value, and a customer has many orders | aggregate it over the customer's orders, as in sum(orders.quantity)") })
        #expect(errors.contains { $0.hasPrefix("9:15 E0215 `orders.unit_price` is one order's value") })
        #expect(errors.contains { $0.hasPrefix("9:41 E0414 `ntile` works over the customers, not a customer's orders | rank a value per customer, as in ntile(sum(orders.amount), 5)") })
    }

    @Test func aLetReadByAnAggregateOverOrdersCannotReadAnOrder() {
        // The let is the customer's, whoever reads it.
        let errors = checkErrors(ordersBlock + """
        let q = orders.quantity
        let s = sum(q)
        """)
        #expect(errors.first?.hasPrefix("8:9 E0215") == true)
    }

    @Test func unknownOrderFieldsAreNamedWithAGuess() {
        let errors = checkErrors(ordersBlock + "let s = sum(orders.quantiy)")
        #expect(errors == ["8:13 E0201 the orders block has no field `quantiy` | did you mean `orders.quantity`?"])
    }

    @Test func whereNeedsAnAggregateOverOrders() {
        #expect(checkErrors(ordersBlock + "let s = sum(total_spend where total_spend > 5)") == [
            "8:31 E0414 `where` picks the customer's orders an aggregate reads, and this one reads none | aggregate an order's field, as in count(orders where orders.amount > 100)",
        ])
        #expect(checkErrors("let s = sum(total_spend where orders > 5)").first?.contains("declare an `orders { ... }` block") == true)
        #expect(checkErrors(ordersBlock + "let s = days_since(last_order_date where orders.quantity > 1)") == [
            "8:42 E0414 `where` picks the orders an aggregate reads; `days_since` is no aggregate | write count(orders where ...), sum(orders.amount where ...) and the like",
        ])
    }

    @Test func orderOnlyAggregatesNeedOrders() {
        #expect(checkErrors("let d = distinct(email)") == [
            "1:9 E0414 `distinct` works over a customer's orders | declare an `orders { ... }` block, and write distinct(orders.invoice)",
        ])
        #expect(checkErrors(ordersBlock + "let m = min(total_spend)") == [
            "8:9 E0414 `min` of one value works over a customer's orders; of two values, write min(a, b) | write min(orders.ordered_on)",
        ])
        // Two values: the builtin, as before.
        #expect(checkErrors(ordersBlock + "let m = min(total_spend, 5)").isEmpty)
        #expect(checkErrors(ordersBlock + "let m = median(orders.quantity)").first?.contains("over orders, write mean(...), min(...) or max(...)") == true)
    }

    @Test func firstAndLastNeedADateField() {
        let errors = checkErrors("""
        orders {
          customer_id text customer
          amount money
        }
        let f = first(orders.amount)
        """)
        #expect(errors == ["5:9 E0414 `first` takes the value of the earliest order, and the orders block has no date field | declare the orders' date, as in `ordered_on date from \"InvoiceDate\"`"])
    }

    @Test func theOrdersBlockNeedsOneCustomerFieldAndNoKey() {
        #expect(checkErrors("orders {\n  invoice text\n}") == [
            "1:1 E0413 the orders block has no `customer` field | mark the field that holds the customer's key, as in `customer_id text customer`",
        ])
        #expect(checkErrors("orders {\n  a text customer\n  b text customer\n}") == [
            "3:3 E0413 an orders block has exactly one `customer` field; `b` is a second",
        ])
        #expect(checkErrors("orders {\n  a text customer\n  invoice text key\n}").first?.hasPrefix("3:3 E0413 orders have no `key`: a customer has many of them") == true)
        #expect(checkErrors("orders {\n  a date customer\n}") == ["2:5 E0413 the customer field is text or int, not date"])
        #expect(checkErrors("orders {\n  a text customer = \"x\"\n}").first?.hasPrefix("2:3 E0413 the customer field `a` cannot have a default") == true)
        #expect(checkErrors("orders {\n  a text customer\n}\norders {\n  b text customer\n}").contains {
            $0.hasPrefix("4:1 E0413 a policy has one orders block; this is a second one")
        })
    }

    @Test func theCustomerFieldHasTheKeysType() {
        #expect(checkErrors("orders {\n  a int customer\n}") == [
            "2:3 E0413 the orders' `a` is int, but the customers' key `id` is text | declare both as text, so that an order finds its customer",
        ])
    }

    @Test func customerMarksOnlyAnOrdersField() {
        let errors = checkErrors("customer {\n  id text key\n  who text customer\n}", withSchema: false)
        #expect(errors == ["3:3 E0413 `customer` marks the customer's key in an orders block | in the customer block, the field that identifies a customer is marked `key`"])
    }

    @Test func withoutACustomerBlockTheCustomersAreTheOrdersKeys() throws {
        let (loaded, _) = PolicyLoader.load(SourceFile(path: "t.policy", text: """
        orders {
          shopper text customer from "CustomerID"
          amount money
        }
        let spend = sum(orders.amount)
        rule "r" when spend > 10 then tag "{shopper}"
        """))
        let policy = try #require(Checker.check(loaded).0)
        #expect(policy.schema.fields.map(\.name) == ["shopper"])
        #expect(policy.schema.fields[policy.schema.keySlot].isKey)
    }

    @Test func testsGiveOrdersOnlyToAPolicyWithOrders() {
        let errors = checkErrors("""
        rule "r" when true then tag "x"
        test "t" {
          customer { id: "A", name: "a", total_spend: 1, orders: 1, opt_in: "sms" }
          order { id: "A" }
          expect tag "x"
        }
        """)
        #expect(errors == ["4:9 E0410 this policy has no orders block, so a test has no orders to give | declare the orders' fields in an `orders { ... }` block"])
        let missing = checkErrors(ordersBlock + """
        rule "r" when true then tag "x"
        test "t" {
          customer { id: "A", name: "a", total_spend: 1, orders: 1, opt_in: "sms" }
          order { customer_id: "A", invoice: "1", quantity: 2 }
          expect tag "x"
        }
        """)
        #expect(missing == ["11:9 E0410 this test order has no `ordered_on`, `unit_price`, which are required | give every field that has no `?` and no default"])
    }
}
