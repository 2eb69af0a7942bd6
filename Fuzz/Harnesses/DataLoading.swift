// libFuzzer harnesses for customer files: one binary per format family (built with
// -D FUZZ_JSON for JSON and JSON Lines, CSV and TSV otherwise). The first byte of an
// input chooses how it is read; the rest is the file:
//   bit 0      the fields are declared (a `customer` block) or inferred from the data
//   bit 1      the second format of the family (TSV, JSON Lines)
//   bits 2-4   the piece size of the parallel CSV read (1 byte .. 4 KB)
//   bits 5-6   the output format (csv, jsonl, json, table)
// Besides "never crashes": reading in pieces on two threads must give exactly what
// one reading from start to end gives. Then the customers are evaluated and their
// actions written by the output writer `policy run` uses, into memory.
import PolicyFiles
import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime
import PolicyData
@testable import PolicyCLI

let declared = """
    customer {
      id      text key
      name    text?
      spend   money = 0
      orders  int?
      joined  date?
      born    date "dd/MM/yyyy"?
      vip     bool?
      level   text? in ["a", "b"]
      wait    duration?
    }
    let rank = percent_rank(spend)
    segment tier {
      Top  when rank >= 80% and orders >= 2
      Mid  when spend between 10 and 100
      Low  otherwise
    }
    rule "Welcome" when days_since(joined) < 30 then contact email "hi {name}" within 2 days
    rule "Birthday" when days_until(next_anniversary(born)) between 0 and 7 then gift "cake {upper(name)}"
    rule "Ratio" when spend / orders > mean(spend) then discount 5%, points 10
    rule "Level" when level = "a" or vip then tag "L {level}"
    resolve discount by best
    """

let inferred = """
    let n = count()
    rule "All" when true then tag "seen {n}"
    """

let asOf = CivilDate(year: 2026, month: 11, day: 22)!
let declaredPolicy = PolicyLoader.load(SourceFile(path: "declared.policy", text: declared)).0
let inferredPolicy = PolicyLoader.load(SourceFile(path: "inferred.policy", text: inferred)).0
/// The declared policy, planned once.
let declaredProgram = Program.plan(Checker.check(declaredPolicy).0!, asOf: asOf).0!

#if FUZZ_JSON
let formats: [InputFormat] = [.json, .jsonl]
#else
let formats: [InputFormat] = [.csv, .tsv]
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDataLoading(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let options = data[0]
    let file = CustomerFile(name: "fuzz", bytes: Array(UnsafeBufferPointer(start: data + 1, count: size - 1)),
                            format: formats[Int(options >> 1) & 1])
    let pieceSize = 1 << ((Int(options >> 2) & 7) * 2)
    let output = OutputFormat.allCases[Int(options >> 5) & 3]
    let program: Program
    if options & 1 == 1 {
        program = declaredProgram
    } else {
        guard let schema = try? SchemaInference.infer(file),
              let policy = Checker.check(inferredPolicy, inferredSchema: schema).0,
              let planned = Program.plan(policy, asOf: asOf).0 else { return 0 }
        program = planned
    }
    let keySlot = program.policy.schema.keySlot
    let renderer = DiagnosticRenderer()
    let one: LoadResult?
    do {
        one = try CustomerLoader.load(file, fields: program.fields, keySlot: keySlot, keep: program.usedFields)
    } catch {
        // The error is shown with its line of data, whatever the bytes.
        _ = renderer.render(error.diagnostic)
        one = nil
    }
    let pieces = try? CustomerLoader.load(file, fields: program.fields, keySlot: keySlot, keep: program.usedFields,
                                          workers: 2, pieceSize: pieceSize)
    guard let one, let pieces else {
        if (one == nil) != (pieces == nil) { fatalError("one reading and reading in pieces disagree on whether the file can be read") }
        return 0
    }
    // Rejects, places included, are the same however the file is read.
    guard one.rejects == pieces.rejects, one.table.count == pieces.table.count else {
        fatalError("reading in pieces of \(pieceSize) bytes differs from one reading")
    }
    for reject in pieces.rejects.prefix(10) { _ = renderer.render(reject.diagnostic) }
    let (aggregates, _) = AggregateResults.compute(program: program, table: pieces.table)
    let sink = ByteSink()
    _ = RunCommand.writeActions(program, pieces.table, aggregates: aggregates, format: output, workers: 2, into: sink)
    return 0
}
