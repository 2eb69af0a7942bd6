import PolicyRuntime
import PolicyFiles
import Glibc
import Dispatch

extension ActionHistory {
    /// One reading of a file: its blocks read in turn, each in stretches side by side,
    /// what they found added up, and what is kept copied into the next version.
    struct Reading {
        let query: HistoryQuery
        let copy: ByteSink?
        var total: HistoryStretch
        /// The line the next block starts on; the header is still to come.
        var line = 1
        var headerSeen = false
        /// The last byte copied (nil: none yet).
        var copiedLast: UInt8? = nil
        /// Off: every record read the general way (see `HistoryStretch.quick`).
        var quick = true

        init(query: HistoryQuery, copy: ByteSink?) {
            self.query = query
            self.copy = copy
            total = HistoryStretch(query: query, origin: 0, expectsHeader: false)
        }

        /// Reads `file` (a stream, or a file that cannot be mapped) a block at a time.
        /// Three blocks take turns: while one is read on the cores, the next is read
        /// from the file and the one before copied.
        mutating func read(_ file: InputFile, blockSize: Int) throws(HistoryError) {
            let blocks = (0..<3).map { _ in Block(room: 2 * blockSize) }
            var current = blocks[0], turn = 0
            var atEnd: Bool
            do {
                atEnd = try current.fill(from: file, count: blockSize) == 0
            } catch {
                throw .file(error)
            }
            // The bytes of the block before to copy, each piece a range of it.
            var copying: (Block, [Range<Int>]) = (current, [])
            while true {
                let next = blocks[(turn + 1) % 3]
                // What follows the last line end starts the next block (all of it at the end).
                let whole = atEnd ? current.length : Self.lineEnds(current.bytes)
                next.length = 0
                next.offset = current.offset + whole
                next.append(UnsafeBufferPointer(rebasing: current.bytes[whole...]), room: blockSize)
                var readFailure: FileError? = nil, readCount = 0
                let copy = self.copy, previous = copying, last = atEnd
                let alongside = { () -> Void in
                    if let copy { previous.0.copy(previous.1, of: file, into: copy) }
                    guard !last else { return }
                    do throws(FileError) {
                        readCount = try next.fill(from: file, count: blockSize)
                    } catch {
                        readFailure = error
                    }
                }
                let taken = try take(UnsafeBufferPointer(rebasing: current.bytes[0..<whole]), atEnd: atEnd, alongside: alongside)
                if let readFailure { throw .file(readFailure) }
                copying = (current, taken.pieces)
                if let last = taken.pieces.last(where: { !$0.isEmpty }) { copiedLast = current.bytes[last.upperBound - 1] }
                if atEnd { break }
                // A record that does not end in this block (a quoted cell holds its line ends) goes to the next.
                next.prepend(UnsafeBufferPointer(rebasing: current.bytes[taken.rest..<whole]))
                next.offset = current.offset + taken.rest
                atEnd = readCount == 0
                current = next
                turn += 1
            }
            if let copy { copying.0.copy(copying.1, of: file, into: copy) }
            try finish(file)
        }

        /// Reads a file mapped into memory a block at a time, in place: while one block
        /// is read on two cores, the one before is copied and let go of, and the next
        /// brought in. A record that does not end in a block starts the next.
        mutating func read(_ mapped: MappedFile, of file: InputFile, blockSize: Int) throws(HistoryError) {
            let bytes = mapped.bytes
            var start = 0, size = blockSize
            var copying: [Range<Int>] = [], done = 0..<0
            mapped.prefetch(0..<size)
            while true {
                let end = min(start + size, bytes.count), atEnd = end == bytes.count
                // The block holds whole lines (all that is left, at the end).
                let whole = atEnd ? end : start + Self.lineEnds(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                if whole == start, !atEnd {
                    // A line longer than a block.
                    size *= 2
                    continue
                }
                let copy = self.copy, previous = copying, release = done, next = whole..<(whole + blockSize)
                let alongside = { () -> Void in
                    if let copy { Self.copy(previous, of: bytes, file: file, into: copy) }
                    mapped.release(release)
                    mapped.prefetch(next)
                }
                let taken = try take(UnsafeBufferPointer(rebasing: bytes[start..<whole]), atEnd: atEnd, alongside: alongside)
                copying = taken.pieces.map { start + $0.lowerBound..<start + $0.upperBound }
                if let last = copying.last(where: { !$0.isEmpty }) { copiedLast = bytes[last.upperBound - 1] }
                done = start..<(start + taken.rest)
                if atEnd { break }
                if taken.rest == 0 {
                    // A record (line ends in quotes) longer than the block.
                    size *= 2
                    continue
                }
                start += taken.rest
                size = blockSize
            }
            if let copy { Self.copy(copying, of: bytes, file: file, into: copy) }
            mapped.release(done)
            try finish(file)
        }

        /// Copies the pieces of `bytes`, which are the file's from `offset` on, from the
        /// file where it can.
        static func copy(_ pieces: [Range<Int>], of bytes: UnsafeBufferPointer<UInt8>, at offset: Int = 0, file: InputFile,
                         into copy: ByteSink) {
            for piece in pieces {
                copy.write(bytes: UnsafeBufferPointer(rebasing: bytes[piece]), sameAs: file, at: offset + piece.lowerBound)
            }
        }

        /// After the last block: a copy was made from the file as it is now, so the file
        /// must be as it was read; then its cached pages go (the copy replaces it).
        func finish(_ file: InputFile) throws(HistoryError) {
            guard copy != nil else { return }
            if file.changedSinceOpened() {
                throw .file(FileError(path: query.path, action: .read, kind: .changed, reason: "it changed while it was being read",
                                      help: "run one `policy run --history` at a time on a history file"))
            }
            file.forgetCachedPages()
        }

        /// Ends the copy: with the header when nothing was copied (no file, an empty
        /// one), with a line end when the file's last record had none.
        func finishCopy() {
            guard let copy else { return }
            if copiedLast == nil {
                copy.write(ActionHistory.columns.joined(separator: ",") + "\n")
            } else if copiedLast != 0x0A {
                copy.write("\n")
            }
        }

        /// How many bytes of `bytes` are whole lines.
        static func lineEnds(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
            var end = bytes.count
            while end > 0, bytes[end - 1] != 0x0A { end -= 1 }
            return end
        }

        /// Reads the records of `block` (whole lines), in two stretches side by side
        /// when it can, with `alongside` run meanwhile: how many bytes were taken (a
        /// record that does not end in the block is left for the next), and the
        /// pieces of the block to copy.
        mutating func take(_ block: UnsafeBufferPointer<UInt8>, atEnd: Bool,
                           alongside: () -> Void) throws(HistoryError) -> (rest: Int, pieces: [Range<Int>]) {
            // Cut at the last line end before each k/n of the block (none twice, none at 0).
            var cuts: [Int] = []
            for k in 1..<Self.stretches {
                let cut = Self.lineEnds(UnsafeBufferPointer(rebasing: block[0..<block.count * k / Self.stretches]))
                if cut > (cuts.last ?? 0) { cuts.append(cut) }
            }
            var ranAlongside = false
            var read = sideBySide(block, cuts: cuts, atEnd: atEnd, alongside: alongside, ran: &ranAlongside)
            if !ranAlongside { alongside() }
            if read == nil { read = try inOrder(block, atEnd: atEnd) }
            // INVARIANT: one or the other read it.
            let (stretch, rest) = read!
            total.append(stretch)
            line = rest.line
            let pieces = Self.pieces(upTo: rest.offset, from: headerSeen ? 0 : stretch.headerStart, dropping: stretch.dropped)
            headerSeen = !stretch.expectsHeader
            return (rest.offset, pieces)
        }

        /// The bytes up to `end` from `start` on (none before the header), but the records dropped.
        static func pieces(upTo end: Int, from start: Int?, dropping dropped: [Range<Int>]) -> [Range<Int>] {
            guard var at = start else { return [] }
            var pieces: [Range<Int>] = []
            for range in dropped + [end..<end] {
                if range.lowerBound > at { pieces.append(at..<range.lowerBound) }
                at = max(at, min(range.upperBound, end))
            }
            return pieces
        }

        /// A stretch for the bytes from `origin` of a block.
        func stretch(at origin: Int, startingFile: Bool) -> HistoryStretch {
            var stretch = HistoryStretch(query: query, origin: origin, expectsHeader: startingFile)
            stretch.quick = quick
            return stretch
        }

        /// How many stretches a block is cut into: more than the cores, so that they
        /// and the work alongside share the cores evenly.
        static let stretches = 4

        /// The block's records read in stretches cut at line ends (`cuts`, after the
        /// first), side by side, with `alongside` among them. Each stretch after the
        /// first counts its lines from 0 and takes its start for a record's: nil when
        /// that is not so (a quoted cell holds the line end) or when one went wrong
        /// (read again in order, for the file's lines).
        func sideBySide(_ block: UnsafeBufferPointer<UInt8>, cuts: [Int], atEnd: Bool, alongside: () -> Void,
                        ran: inout Bool) -> (HistoryStretch, RecordSplitter.Rest)? {
            guard !cuts.isEmpty else { return nil }
            let starts = [0] + cuts, ends = cuts + [block.count]
            var stretches = starts.enumerated().map { k, start in stretch(at: start, startingFile: k == 0 && !headerSeen) }
            var rests = [RecordSplitter.Rest](repeating: RecordSplitter.Rest(offset: 0, line: 0), count: starts.count)
            let line = self.line
            withoutActuallyEscaping(alongside) { alongside in
                stretches.withUnsafeMutableBufferPointer { stretches in
                    rests.withUnsafeMutableBufferPointer { rests in
                        nonisolated(unsafe) let (stretches, rests, block, alongside) = (stretches, rests, block, alongside)
                        DispatchQueue.concurrentPerform(iterations: starts.count + 1) { task in
                            guard task < starts.count else { return alongside() }
                            rests[task] = RecordSplitter.split(UnsafeBufferPointer(rebasing: block[starts[task]..<ends[task]]),
                                                               line: task == 0 ? line : 0, atEnd: task == starts.count - 1 && atEnd,
                                                               into: &stretches[task])
                        }
                    }
                }
            }
            ran = true
            var whole = stretches[0]
            var rest = rests[0]
            for k in 0..<stretches.count {
                guard stretches[k].failure == nil, !rests[k].unclosedQuote else { return nil }
                guard k > 0 else { continue }
                // The stretch before ended where this one starts.
                guard rest.offset == starts[k] else { return nil }
                whole.append(stretches[k])
                rest = RecordSplitter.Rest(offset: starts[k] + rests[k].offset, line: rest.line + rests[k].line)
            }
            return (whole, rest)
        }

        /// The block's records read in one stretch, in order; its failure thrown.
        func inOrder(_ block: UnsafeBufferPointer<UInt8>, atEnd: Bool) throws(HistoryError) -> (HistoryStretch, RecordSplitter.Rest) {
            var whole = stretch(at: 0, startingFile: !headerSeen)
            let rest = RecordSplitter.split(block, line: line, atEnd: atEnd, into: &whole)
            if let failure = whole.failure { throw failure }
            guard !rest.unclosedQuote else {
                throw .malformed(DataError(file: query.path, line: rest.line, column: 1, code: .malformedHistory,
                                           message: "the history cannot be read as CSV: a quoted cell never closes"))
            }
            return (whole, rest)
        }

    }

    /// A block of the file in memory, with room for what the block before left over
    /// (and eight bytes more, which a word read at the end of a record may touch).
    final class Block {
        private(set) var memory: UnsafeMutableRawBufferPointer
        var length = 0
        /// Where the block's first byte is in the file.
        var offset = 0

        init(room: Int) {
            memory = .allocate(byteCount: room + 8, alignment: 16)
        }

        deinit { memory.deallocate() }

        var bytes: UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: memory.baseAddress!.assumingMemoryBound(to: UInt8.self), count: length)
        }

        /// Room for `count` bytes in all, what the block holds kept.
        func reserve(_ count: Int) {
            guard count + 8 > memory.count else { return }
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count + 8, memory.count * 2), alignment: 16)
            larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: memory[0..<length]))
            memory.deallocate()
            memory = larger
        }

        /// Adds `more` at the end, with room for `room` bytes after it.
        func append(_ more: UnsafeBufferPointer<UInt8>, room: Int) {
            reserve(length + more.count + room)
            if let base = more.baseAddress { (memory.baseAddress! + length).copyMemory(from: base, byteCount: more.count) }
            length += more.count
        }

        /// Puts `more` before what the block holds.
        func prepend(_ more: UnsafeBufferPointer<UInt8>) {
            guard let base = more.baseAddress, !more.isEmpty else { return }
            reserve(length + more.count)
            memmove(memory.baseAddress! + more.count, memory.baseAddress!, length)
            memory.baseAddress!.copyMemory(from: base, byteCount: more.count)
            length += more.count
        }

        /// Copies the pieces of the block into `copy`, from the file where it can.
        func copy(_ pieces: [Range<Int>], of file: InputFile, into copy: ByteSink) {
            Reading.copy(pieces, of: bytes, at: offset, file: file, into: copy)
        }

        /// Reads up to `count` more bytes from `file` after what the block holds; how many.
        func fill(from file: InputFile, count: Int) throws(FileError) -> Int {
            reserve(length + count)
            let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: memory[length..<(length + count)]))
            length += n
            return n
        }
    }
}
