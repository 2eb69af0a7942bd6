import PolicyValues
import PolicyRuntime

/// Finds the rows whose key an earlier row already has, across every piece of a load,
/// as a row-by-row reading in file order would: the first row with a key wins, and
/// each later one names it. Rows with a bad cell take no part (they are rejected anyway).
///
/// Rows go by their key's hash into buckets small enough that each bucket's index
/// stays in cache (one index of a million hashes missed the cache on almost every
/// row), in file order within a bucket; buckets are independent, so they are searched
/// on several threads. A hash hit is confirmed against the keys themselves, so the
/// result is exact; two different keys with one hash are told apart by a second index.
enum KeyIndex {
    /// A row of piece `piece` whose key row `firstRow` of piece `firstPiece` has.
    struct Duplicate: Sendable, Equatable {
        var piece: Int, row: Int
        var firstPiece: Int, firstRow: Int
    }

    /// The duplicates among the rows of `pieces`, in file order.
    static func duplicates(in pieces: [TableBuilder], keySlot: Int, workers: Int) -> [Duplicate] {
        // A row's number across all pieces, in file order.
        var bases: [Int] = []
        var total = 0
        for piece in pieces { bases.append(total); total += piece.table.count }
        guard total > 1 else { return [] }

        let bits = bucketBits(rows: total)
        let shift = UInt64(64 - bits)
        func bucket(_ hash: Int) -> Int { bits == 0 ? 0 : Int(truncatingIfNeeded: UInt64(bitPattern: Int64(hash)) >> shift) }

        // Counting sort by bucket, stable, so file order holds within each bucket.
        var starts = [Int](repeating: 0, count: (1 << bits) + 1)
        forEachCandidate(pieces) { _, _, hash in starts[bucket(hash) + 1] += 1 }
        for b in 0..<(1 << bits) { starts[b + 1] += starts[b] }
        // Only row numbers are sorted (4 bytes a row): hashes are read from the pieces again.
        // INVARIANT: a load has fewer than 2^31 rows (table lines are Int32 too).
        let candidates = starts[1 << bits]
        var rows = [Int32](repeating: 0, count: candidates)
        var next = starts
        forEachCandidate(pieces) { piece, row, hash in
            let b = bucket(hash)
            rows[next[b]] = Int32(truncatingIfNeeded: bases[piece] + row)
            next[b] += 1
        }

        let bucketCount = 1 << bits
        let groups = max(1, min(workers * 4, bucketCount))
        let found = parallelMap(groups, workers: workers) { [rows, starts, bases] group -> [(Int, Int)] in
            var search = BucketSearch(pieces: pieces, bases: bases, keySlot: keySlot)
            for b in stride(from: group, to: bucketCount, by: groups) {
                search.run(rows: rows[starts[b]..<starts[b + 1]])
            }
            return search.found
        }
        return found.joined().sorted { $0.0 < $1.0 }.map { row, first in
            let (p, r) = locate(row, bases), (fp, fr) = locate(first, bases)
            return Duplicate(piece: p, row: r, firstPiece: fp, firstRow: fr)
        }
    }

    /// Enough bits that a bucket holds about a thousand rows.
    static func bucketBits(rows: Int) -> Int {
        var bits = 0
        while bits < 16 && (rows >> bits) > 1024 { bits += 1 }
        return bits
    }

    /// Calls `body` with each row that has no bad cell: its piece, row and key hash.
    static func forEachCandidate(_ pieces: [TableBuilder], _ body: (Int, Int, Int) -> Void) {
        for (p, piece) in pieces.enumerated() {
            var bad = piece.badRows[...]
            for row in 0..<piece.table.count {
                if bad.first == row { bad.removeFirst(); continue }
                body(p, row, piece.keyHashes[row])
            }
        }
    }

    /// The piece and row of a row number across all pieces.
    static func locate(_ row: Int, _ bases: [Int]) -> (Int, Int) {
        var low = 0, high = bases.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if bases[mid] <= row { low = mid } else { high = mid - 1 }
        }
        return (low, row - bases[low])
    }

    /// The search of one bucket after another, reusing its indexes.
    struct BucketSearch {
        let pieces: [TableBuilder]
        let bases: [Int]
        let keySlot: Int
        /// The first row of each hash seen in the bucket, open addressing with linear
        /// probing (a bucket holds about a thousand rows, so this stays in cache).
        var slots: [(hash: Int, row: Int32)] = []
        /// The slots in use, to clear them for the next bucket.
        var used: [Int] = []
        /// Keys whose hash an earlier, different key took, and their first row.
        var collidedKeys: [Value: Int] = [:]
        /// (row, the earlier row with its key), row numbers across all pieces.
        var found: [(Int, Int)] = []

        init(pieces: [TableBuilder], bases: [Int], keySlot: Int) {
            self.pieces = pieces
            self.bases = bases
            self.keySlot = keySlot
        }

        func key(_ row: Int) -> Value {
            let (p, r) = KeyIndex.locate(row, bases)
            return pieces[p].table.value(keySlot, r)
        }

        /// Searches one bucket: `rows` ascending (file order).
        mutating func run(rows: ArraySlice<Int32>) {
            collidedKeys.removeAll(keepingCapacity: true)
            // At most half full: probes stay short.
            var capacity = 64
            while capacity < rows.count * 2 { capacity *= 2 }
            if slots.count < capacity {
                slots = Array(repeating: (0, -1), count: capacity)
            } else {
                for i in used { slots[i].row = -1 }
            }
            used.removeAll(keepingCapacity: true)
            let mask = capacity - 1
            var piece = 0
            for row32 in rows {
                let row = Int(row32)
                // Rows ascend, so the piece they are in only moves forward.
                while piece + 1 < bases.count && bases[piece + 1] <= row { piece += 1 }
                let hash = pieces[piece].keyHashes[row - bases[piece]]
                // The bucket took the hash's high bits: probe from its low ones.
                var i = hash & mask
                while slots[i].row >= 0 && slots[i].hash != hash { i = (i + 1) & mask }
                guard slots[i].row >= 0 else {
                    slots[i] = (hash, row32)
                    used.append(i)
                    continue
                }
                let other = Int(slots[i].row)
                let key = key(row)
                if key == self.key(other) {
                    found.append((row, other))
                } else if let collided = collidedKeys[key] {
                    found.append((row, collided))
                } else {
                    collidedKeys[key] = row
                }
            }
        }
    }
}
