#!/usr/bin/env bash
# Builds the libFuzzer harnesses into .build-fuzz/: the package's modules compiled
# with `swiftc -sanitize=fuzzer,address` (coverage-guided, AddressSanitizer), each
# harness linked against them (with lld, which the toolchain ships).
#
#   bash Fuzz/build.sh            # then: bash Fuzz/run.sh SECONDS
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build-fuzz
mkdir -p "$out"
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -enable-testing -package-name policy -I "$out" -L "$out" -use-ld=lld)

module() {   # module NAME: Sources/NAME as a static library with its interface
    local name=$1
    # A new archive each time: an old one keeps the objects of files that have since
    # moved to another module, and the harnesses then fail to link (duplicate symbols).
    rm -f "$out/lib$name.a"
    swiftc "${flags[@]}" -module-name "$name" -emit-module -emit-module-path "$out/$name.swiftmodule" \
        -emit-library -static -o "$out/lib$name.a" $(find "Sources/$name" -name '*.swift' | sort)
}
for name in PolicyFiles PolicyValues PolicySyntax PolicySemantics PolicyRuntime PolicyData PolicyTesting PolicyCLI; do
    echo "module $name"
    module "$name"
done

libraries=(-lPolicyCLI -lPolicyTesting -lPolicyData -lPolicyRuntime -lPolicySemantics -lPolicySyntax -lPolicyValues -lPolicyFiles)
echo "harness fuzz-policy"
swiftc "${flags[@]}" Fuzz/Harnesses/PolicyPipeline.swift "${libraries[@]}" -o "$out/fuzz-policy"
echo "harness fuzz-csv"
swiftc "${flags[@]}" Fuzz/Harnesses/DataLoading.swift "${libraries[@]}" -o "$out/fuzz-csv"
echo "harness fuzz-json"
swiftc "${flags[@]}" -D FUZZ_JSON Fuzz/Harnesses/DataLoading.swift "${libraries[@]}" -o "$out/fuzz-json"
