import Testing
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
    /// to the next one; so is a file without columns. Line and column: where the name is.
    @Test(arguments: [
        (",\n1\n", InputFormat.csv, DiagnosticCode.unnamedColumn, 1, 1),
        ("\"\"\n1,2\n", .csv, .unnamedColumn, 1, 1),
        ("\n\n id ,  ,x\n1,2,3\n", .csv, .unnamedColumn, 3, 2),
        ("id\tname\t\n1\t2\t3\n", .tsv, .unnamedColumn, 1, 3),
        ("{\"\":0}\n", .jsonl, .unnamedColumn, 1, 1),
        ("{\"id\":1}\n\n{\"id\":2,\" \":0}\n", .jsonl, .unnamedColumn, 3, 1),
        ("[{\"id\":1,\"a\":{\"\":2}}]", .json, .unnamedColumn, 1, 1),
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
}
