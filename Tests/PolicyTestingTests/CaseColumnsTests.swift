import Testing
import PolicySyntax
import PolicySemantics
@testable import PolicyTesting

struct CaseColumnsTests {
    @Test(arguments: [
        (ActionKind.discount, "15%", "percent 15"),
        (.discount, "50", "number 50"),
        (.points, "200", "number 200"),
        (.credit, "60 days", "duration 60 day"),
        (.alert, "churn_risk", "name churn_risk"),
        (.contact, "birthday_wishes", "text birthday_wishes"),
        (.discount, "lots", "nil"),
        (.credit, "sixty", "nil"),
    ])
    func cellValues(kind: ActionKind, cell: String, expected: String) {
        let value = CaseColumns.expectedValue(kind, cell)
        let text: String
        switch value {
        case .name(let n)?: text = "name \(n)"
        case .literal(.percent(let p))?: text = "percent \(p)"
        case .literal(.number(let n))?: text = "number \(n)"
        case .literal(.duration(let a, let u))?: text = "duration \(a) \(u.rawValue)"
        case .literal(.text(let t))?: text = "text \(t)"
        default: text = "nil"
        }
        #expect(text == expected)
    }
}
