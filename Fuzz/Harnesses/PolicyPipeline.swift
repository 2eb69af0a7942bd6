// libFuzzer harness: policy text through every stage that reads it — parse, check,
// lint, format, plan — with two properties besides "never crashes":
// formatting is idempotent, and formatted text parses without errors.
import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicyPipeline(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let source = SourceFile(path: "fuzz.policy", bytes: bytes)
    let (parsed, bag) = Parser.parse(source)
    _ = DiagnosticRenderer(colour: false).render(bag.sorted)
    guard !bag.hasErrors else { return 0 }
    let formatted = PolicyFormatter.format(parsed)
    let (reparsed, rebag) = Parser.parse(SourceFile(path: "fuzz.policy", text: formatted))
    if rebag.hasErrors { fatalError("formatted text does not parse:\n\(formatted)") }
    if PolicyFormatter.format(reparsed) != formatted { fatalError("formatting is not idempotent:\n\(formatted)") }
    let (loaded, loadBag) = PolicyLoader.load(source)
    guard !loadBag.hasErrors else { return 0 }
    let (policy, checkBag) = Checker.check(loaded)
    _ = DiagnosticRenderer(colour: false).render(checkBag.sorted)
    guard let policy else { return 0 }
    _ = DiagnosticRenderer(colour: false).render(Linter.lint(loaded, policy).sorted)
    _ = Program.plan(policy, asOf: CivilDate(year: 2026, month: 11, day: 22)!)
    return 0
}
