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
        // Source files, tokens, lexer, AST, parser, diagnostics and their rendering.
        .target(name: "PolicySyntax"),
        // Schema, types, built-in signatures, name resolution and checks.
        .target(name: "PolicySemantics", dependencies: ["PolicySyntax"]),
        // Exact values, planning, evaluation, aggregates, actions and resolution.
        .target(name: "PolicyRuntime", dependencies: ["PolicySyntax", "PolicySemantics"]),
        // CSV/TSV/JSON/JSONL readers, coercion of cells against the schema, rejects.
        .target(name: "PolicyData", dependencies: ["PolicySemantics", "PolicyRuntime"]),
        // Test discovery, the test runner, expectations, table-driven cases, coverage.
        .target(name: "PolicyTesting", dependencies: ["PolicySyntax", "PolicySemantics", "PolicyRuntime", "PolicyData"]),
        // Commands, argument handling, help text, output writers, exit codes.
        .target(name: "PolicyCLI", dependencies: ["PolicySyntax", "PolicySemantics", "PolicyRuntime", "PolicyData", "PolicyTesting"]),
        .executableTarget(name: "policy", dependencies: ["PolicyCLI"]),
        // The benchmark: generates customers shaped like the reference workload and
        // runs `policy run` on them, printing time per stage and peak memory.
        .executableTarget(name: "policy-bench", dependencies: ["PolicyCLI", "PolicyRuntime"]),

        .testTarget(name: "PolicySyntaxTests", dependencies: ["PolicySyntax"], exclude: ["Format"]),
        .testTarget(name: "PolicySemanticsTests", dependencies: ["PolicySyntax", "PolicySemantics"]),
        .testTarget(name: "PolicyRuntimeTests", dependencies: ["PolicySyntax", "PolicySemantics", "PolicyRuntime"]),
        .testTarget(name: "PolicyDataTests", dependencies: ["PolicySemantics", "PolicyRuntime", "PolicyData"]),
        .testTarget(name: "PolicyTestingTests", dependencies: ["PolicySyntax", "PolicySemantics", "PolicyRuntime", "PolicyTesting"]),
        .testTarget(name: "PolicyCLITests", dependencies: ["PolicyCLI"], exclude: ["Cases", "Golden"]),
    ]
)
