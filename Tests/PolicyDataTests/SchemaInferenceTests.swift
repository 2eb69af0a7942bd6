import Foundation
import Testing
import PolicyValues
import PolicySyntax
import PolicySemantics
import PolicyRuntime
@testable import PolicyData

struct SchemaInferenceTests {
    func infer(_ text: String, _ format: InputFormat) throws(DataError) -> Schema {
        try SchemaInference.infer(CustomerFile(name: "c", bytes: Array(text.utf8), format: format))
    }

    @Test func typesAreInferredWithoutLosingInformation() throws {
        let csv = "id,n,amount,zip,when,flag,mixed,price\n0001,1,2.5,08123,2026-01-01,true,x,12.50\n0002,-3,4,12345,2026-02-01,false,1,3.10\n0003,,,,,,,\n"
        let schema = try infer(csv, .csv)
        #expect(schema.fields.map(\.name) == ["id", "n", "amount", "zip", "when", "flag", "mixed", "price"])
        #expect(schema.fields.map(\.type) == [.text, .int, .number, .text, .date, .bool, .text, .text])
        #expect(schema.fields[0].isKey && !schema.fields[0].optional)
        #expect(schema.fields.dropFirst().allSatisfy { $0.optional })
    }

    /// An unnamed column is an error, never a column left out with the key moved on
    /// to the next one; so is a file without columns. Line and column: where the name is
    /// (the header name, or the JSON key), in characters.
    @Test(arguments: [
        (",\n1\n", InputFormat.csv, DiagnosticCode.unnamedColumn, 1, 1),
        ("\"\"\n1,2\n", .csv, .unnamedColumn, 1, 1),
        ("\n\n id ,  ,x\n1,2,3\n", .csv, .unnamedColumn, 3, 6),
        ("id\tname\t\n1\t2\t3\n", .tsv, .unnamedColumn, 1, 9),
        ("{\"\":0}\n", .jsonl, .unnamedColumn, 1, 2),
        ("{\"id\":1}\n\n{\"id\":2,\" \":0}\n", .jsonl, .unnamedColumn, 3, 9),
        ("[{\"id\":1,\"a\":{\"\":2}}]", .json, .unnamedColumn, 1, 15),
        ("[{}]", .json, .noColumns, 1, 1),
        ("[]", .json, .noColumns, 1, 1),
        ("{}\n", .jsonl, .noColumns, 1, 1),
        ("\n", .jsonl, .noColumns, 1, 1),
    ] as [(String, InputFormat, DiagnosticCode, Int, Int)])
    func columnsWithoutANameAreAnError(text: String, format: InputFormat, code: DiagnosticCode, line: Int, column: Int) {
        #expect(throws: DataError.self) { try infer(text, format) }
        do {
            _ = try infer(text, format)
        } catch {
            #expect(error.code == code)
            #expect((error.line, error.column) == (line, column))
            #expect(error.help?.contains("`customer` block") == true)
        }
    }

    @Test func namedColumnsAroundOthersStillInfer() throws {
        #expect(try infer("{\"id\":1,\"a\":{\"b\":2}}\n", .jsonl).fields.map(\.name) == ["id", "a.b"])
        #expect(try infer(" id , n \n1,2\n", .csv).fields.map(\.name) == ["id", "n"])
    }

    /// With declared fields, an unnamed column is one more column the policy does not read.
    @Test func declaredFieldsIgnoreAnUnnamedColumn() throws {
        let fields = [FieldPlan(spec: FieldSpec(name: "id", type: .text, isKey: true)),
                      FieldPlan(spec: FieldSpec(name: "n", type: .int))]
        for (text, format) in [(",id,,n\nx,1,y,2\n", InputFormat.csv), ("{\"\":1,\"id\":\"1\",\"n\":2}\n", .jsonl)] {
            let loaded = try CustomerLoader.load(CustomerFile(name: "c", bytes: Array(text.utf8), format: format),
                                                 fields: fields, keySlot: 0)
            #expect(loaded.rejects.isEmpty)
            #expect(loaded.table.count == 1)
            #expect(loaded.table.value(1, 0) == .number(ExactDecimal(2)))
        }
    }

    /// The shapes of a wide file: a CSV header, one JSON record with many keys, and
    /// JSON records that each have a key of their own.
    enum Wide: CaseIterable { case header, keys, sparse }

    /// A wide file is read in linear time: ten times the columns take about ten times
    /// as long (allowing 15), never a hundred. The time is the thread's CPU time,
    /// best of three, so that other tests running meanwhile do not count.
    @Test(arguments: Wide.allCases)
    func wideFilesLoadInLinearTime(shape: Wide) throws {
        func file(_ columns: Int) -> CustomerFile {
            switch shape {
            case .header:
                let text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
                    + (0..<columns).map { "\($0)" }.joined(separator: ",") + "\n"
                return CustomerFile(name: "c.csv", bytes: Array(text.utf8), format: .csv)
            case .keys:
                let text = "{" + (0..<columns).map { "\"c\($0)\":\($0)" }.joined(separator: ",") + "}\n"
                return CustomerFile(name: "c.jsonl", bytes: Array(text.utf8), format: .jsonl)
            case .sparse:
                let text = (0..<columns).map { "{\"id\":\"\($0)\",\"k\($0)\":1}\n" }.joined()
                return CustomerFile(name: "c.jsonl", bytes: Array(text.utf8), format: .jsonl)
            }
        }
        func seconds(_ file: CustomerFile) throws -> Double {
            let started = threadCPUTime()
            let schema = try SchemaInference.infer(file)
            // As `policy run` does for a policy that reads no field but the key.
            _ = try CustomerLoader.load(file, fields: schema.fields.map { FieldPlan(spec: $0) }, keySlot: 0, keep: [0])
            return threadCPUTime() - started
        }
        let small = file(2_000), large = file(20_000)
        var t1 = Double.infinity, t10 = Double.infinity
        // The best of five: one busy moment of a shared machine must not decide it.
        for _ in 0..<5 {
            t1 = min(t1, try seconds(small))
            t10 = min(t10, try seconds(large))
        }
        #expect(t10 <= 15 * t1, "2,000 columns: \(t1) s; 20,000: \(t10) s")
    }

    func threadCPUTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// A missing column's "did you mean" looks at a bounded number of header names
    /// of a fitting length, however wide the header.
    @Test func suggestionsLookAtABoundedNumberOfNames() {
        let header = (0..<30_000).map { "c\($0)" } + ["email", "e"]
        let near = CustomerLoader.nearNames("emial", header)
        #expect(near.count == 10_000)
        #expect(near.allSatisfy { (4...6).contains($0.count) })
        #expect(CustomerLoader.nearNames("emial", ["e", "email", "addresses"]) == ["email"])
    }
}
