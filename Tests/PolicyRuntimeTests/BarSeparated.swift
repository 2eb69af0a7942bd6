import PolicyRuntime

/// Records as `field|field|...` lines, for comparing outputs in tests.
struct BarSeparated: RecordEncoder {
    func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, into out: inout OutputBytes) {
        if index > 0 { out.append(UInt8(ascii: "|")) }
        out.append(bytes)
    }

    func endRecord(into out: inout OutputBytes) {
        out.append(UInt8(ascii: "\n"))
    }
}
