// swift-tools-version:6.0
// `policy`: a small, exact language for customer-segmentation policies.
// Foundation only: no package dependencies, ever.
import PackageDescription

let package = Package(
    name: "policy",
    products: [
        .executable(name: "policy", targets: ["policy"]),
    ],
    targets: [
        // Reading and writing files and streams: every read and write of the program
        // goes through it, and every failure comes back as an error (never a trap).
        .target(name: "PolicyFiles"),
        // Exact decimals, big integers, civil dates, date patterns, durations and `Value`:
        // the values every later layer computes with. Foundation-free, depends on nothing.
        .target(name: "PolicyValues"),
        // Source files, tokens, lexer, AST, parser, diagnostics and their rendering.
        .target(name: "PolicySyntax", dependencies: ["PolicyValues"]),
        // Schema, types, built-in signatures, name resolution and checks.
        .target(name: "PolicySemantics", dependencies: ["PolicyValues", "PolicySyntax", "PolicyFiles"]),
        // Value formatting, planning, evaluation, aggregates, actions and resolution.
        .target(name: "PolicyRuntime", dependencies: ["PolicyValues", "PolicySyntax", "PolicySemantics"]),
        // CSV/TSV/JSON/JSONL readers, coercion of cells against the schema, rejects.
        .target(name: "PolicyData", dependencies: ["PolicyValues", "PolicySyntax", "PolicySemantics", "PolicyRuntime", "PolicyFiles"]),
        // Test discovery, the test runner, expectations, table-driven cases, coverage.
        .target(name: "PolicyTesting", dependencies: ["PolicyValues", "PolicySyntax", "PolicySemantics", "PolicyRuntime", "PolicyData", "PolicyFiles"]),
        // Commands, argument handling, help text, output writers, exit codes.
        .target(name: "PolicyCLI", dependencies: ["PolicyValues", "PolicySyntax", "PolicySemantics", "PolicyRuntime", "PolicyData", "PolicyTesting", "PolicyFiles"]),
        .executableTarget(name: "policy", dependencies: ["PolicyCLI", "PolicyFiles"]),
        // The benchmark: generates customers shaped like the reference workload and
        // runs `policy run` on them, printing time per stage and peak memory.
        .executableTarget(name: "policy-bench", dependencies: ["PolicyCLI", "PolicyValues", "PolicyRuntime", "PolicyFiles"]),

        .testTarget(name: "PolicyFilesTests", dependencies: ["PolicyFiles"]),
        .testTarget(name: "PolicyValuesTests", dependencies: ["PolicyValues"]),
        .testTarget(name: "PolicySyntaxTests", dependencies: ["PolicySyntax"], exclude: ["Format"]),
        .testTarget(name: "PolicySemanticsTests", dependencies: ["PolicySyntax", "PolicySemantics"]),
        .testTarget(name: "PolicyRuntimeTests", dependencies: ["PolicyValues", "PolicySyntax", "PolicySemantics", "PolicyRuntime"]),
        .testTarget(name: "PolicyDataTests", dependencies: ["PolicyValues", "PolicySyntax", "PolicySemantics", "PolicyRuntime", "PolicyData", "PolicyFiles"]),
        .testTarget(name: "PolicyTestingTests", dependencies: ["PolicySyntax", "PolicySemantics", "PolicyRuntime", "PolicyTesting"]),
        .testTarget(name: "PolicyCLITests", dependencies: ["PolicyCLI", "PolicyFiles"], exclude: ["Cases", "Golden"]),
    ]
)
