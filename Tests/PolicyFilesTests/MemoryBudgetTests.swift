import Testing
@testable import PolicyFiles

/// The memory a run may fill: the system's available memory, or less under a
/// control group's limit.
struct MemoryBudgetTests {
    static let meminfo = "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:   20000000 kB\n"

    @Test func theSystemsAvailableMemoryWithoutAControlGroupLimit() throws {
        withFolder { folder in
            put(Self.meminfo, folder + "/meminfo")
            put("max\n", folder + "/memory.max")
            #expect(MemoryBudget.available(proc: folder, controlGroups: folder) == 20_000_000 * 1024)
        }
    }

    @Test func aControlGroupLimitIsTheRoomLeftUnderIt() throws {
        withFolder { folder in
            put(Self.meminfo, folder + "/meminfo")
            // Version 2: a container limited to 2 GiB, of which 512 MiB are used.
            put("2147483648\n", folder + "/memory.max")
            put("536870912\n", folder + "/memory.current")
            #expect(MemoryBudget.available(proc: folder, controlGroups: folder) == 1_610_612_736)
        }
        withFolder { folder in
            put(Self.meminfo, folder + "/meminfo")
            // Version 1, where "no limit" is a huge figure.
            let v1 = folder + "/memory"
            mkdirFolder(v1)
            put("1073741824\n", v1 + "/memory.limit_in_bytes")
            put("73741824\n", v1 + "/memory.usage_in_bytes")
            #expect(MemoryBudget.available(proc: folder, controlGroups: folder) == 1_000_000_000)
            put("9223372036854771712\n", v1 + "/memory.limit_in_bytes")
            #expect(MemoryBudget.available(proc: folder, controlGroups: folder) == 20_000_000 * 1024)
        }
    }

    @Test func theRealMachineSaysSomething() {
        #expect((MemoryBudget.available() ?? 0) > 0)
    }

    @Test(arguments: [(512, "512 bytes"), (1536, "1.5 KB"), (5 << 20, "5 MB"), (7 << 29, "3.5 GB"), (1 << 40, "1 TB"), (150 << 30, "150 GB")])
    func sizesAreWrittenAsPeopleReadThem(bytes: Int, text: String) {
        #expect(MemoryBudget.describe(bytes) == text)
    }
}
