/// The outcome of one `test` block.
public struct TestResult: Sendable {
    /// The policy file that declares the test.
    public var file: String
    public var name: String
    /// How many customers the test checked expectations on.
    public var customers: Int
    public var failures: [TestFailure]
    /// Every expectation checked, for `--verbose`: its text and whether it held.
    public var checks: [(text: String, passed: Bool)]
    /// A problem that kept the test from running (a customer file that cannot be read).
    public var setupError: String?
    public var seconds: Double

    public var passed: Bool { failures.isEmpty && setupError == nil }
}

/// One expectation that did not hold, for one customer.
public struct TestFailure: Sendable {
    /// `file:line:col` of the `expect` line (or of the case row in a customer file).
    public var location: String
    /// The expectation as written.
    public var expectation: String
    public var customer: String
    /// What the customer actually got.
    public var actual: String
}
