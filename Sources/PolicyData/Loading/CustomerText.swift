import PolicySyntax

/// The text checks every customer file goes through in the loader and in schema
/// inference: its encoding, from its first block and then from all of it, and the
/// header's names. Rows with a flaw are rejected where they are read.
enum CustomerText {
    /// The file as UTF-8: refused when its first block is not text, UTF-16 without
    /// a byte order mark, or mostly another encoding; converted when it is UTF-16
    /// with a byte order mark.
    static func prepare(_ file: consuming CustomerFile) throws(DataError) -> CustomerFile {
        let block = min(file.bytes.count, TextEncoding.firstBlockSize)
        let encoding = file.bytes.withUnsafeBufferPointer {
            TextEncoding.sniff(UnsafeBufferPointer(rebasing: $0[0..<block]), isWholeFile: block == $0.count)
        }
        switch encoding {
        case .utf8:
            return file
        case .utf16(let bigEndian, true):
            let converted = file.bytes.withUnsafeBufferPointer { TextEncoding.utf8(fromUTF16: $0, bigEndian: bigEndian) }
            switch converted {
            case .success(let bytes):
                return CustomerFile(name: file.name, bytes: bytes, format: file.format)
            case .failure(let problem):
                throw DataError(file: file.name, line: 1, column: 1, code: .otherEncoding,
                                message: "the file is UTF-16 text with a broken character: \(problem.message)",
                                help: "export the file again, as UTF-8 if the program offers it")
            }
        default:
            // INVARIANT: every other encoding has an error.
            throw encoding.error(file: file.name) ?? DataError(file: file.name, line: 1, column: 1, code: .notText,
                                                               message: "the file is not text")
        }
    }

    /// The verdict on a scan of the whole file: an error when it is mostly not
    /// UTF-8 or not text, placed at its first flaw.
    static func check(_ counts: TextCounts, firstFlaw: Int?, in file: CustomerFile) throws(DataError) {
        guard let encoding = TextEncoding.verdict(counts) else { return }
        let position = firstFlaw.map { offset in file.bytes.withUnsafeBufferPointer { ReaderPosition.of(offset: offset, in: $0) } }
        // The line is not shown: it is not UTF-8 text.
        if let error = encoding.error(file: file.name, line: position?.line ?? 1, column: position?.column ?? 1) { throw error }
    }

    /// Scans the whole file (JSON, whose records the parser checks themselves) and
    /// gives the verdict.
    static func checkWhole(_ file: CustomerFile) throws(DataError) {
        var counts = TextCounts()
        var flaws: [Int] = []
        file.bytes.withUnsafeBufferPointer { TextScan.scan($0, 0..<$0.count, counts: &counts, flaws: &flaws, maxFlaws: 1) }
        try check(counts, firstFlaw: flaws.first, in: file)
    }

    /// Scans the header of a CSV/TSV file (everything before its data): a name that
    /// is not text is an error. Returns the counts, for the verdict on the file.
    static func checkHeader(_ reader: CSVReader, file: CustomerFile) throws(DataError) -> TextCounts {
        var counts = TextCounts()
        var flaws: [Int] = []
        let end = reader.dataStart.position
        file.bytes.withUnsafeBufferPointer { TextScan.scan($0, 0..<end, counts: &counts, flaws: &flaws, maxFlaws: 1) }
        // A file mostly in another encoding was refused by its first block, header included.
        guard let offset = flaws.first else { return counts }
        let fields = reader.headerFields
        let index = fields.firstIndex { $0.start <= offset && offset < $0.end } ?? 0
        let (flaw, name) = file.bytes.withUnsafeBufferPointer { p in
            (TextFlaw.at(offset, in: p), index < fields.count ? TextScan.escaped(UnsafeBufferPointer(rebasing: p[fields[index].start..<fields[index].end])) : "")
        }
        let column = index + 1
        throw DataError(file: file.name, place: reader.headerPlace(index),
                        code: flaw.isNul ? .nulByte : .invalidText,
                        message: flaw.isNul ? "the name of column \(column) of the header, `\(name)`, holds \(flaw.detail)"
                                            : "the name of column \(column) of the header, `\(name)`, is not valid UTF-8 text: \(flaw.detail)",
                        help: "fix the name, or save the file as UTF-8 text")
    }

    /// `iconv -f GB18030 -t UTF-8 customers.csv > customers-utf8.csv`, for the file's name.
    static func conversion(from encoding: String, file: String) -> String {
        if file == "<stdin>" { return "pipe it through `iconv -f \(encoding) -t UTF-8`" }
        let safe = file.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || "._/-+".unicodeScalars.contains($0)
        }
        let base: Substring
        let suffix: Substring
        if let dot = file.lastIndex(of: "."), !file[dot...].contains("/"), dot != file.startIndex {
            (base, suffix) = (file[..<dot], file[dot...])
        } else {
            (base, suffix) = (file[...], "")
        }
        let output = "\(base)-utf8\(suffix)"
        func quoted(_ s: String) -> String { safe ? s : "'" + s.replacingQuotes + "'" }
        return "`iconv -f \(encoding) -t UTF-8 \(quoted(file)) > \(quoted(output))`"
    }
}

extension TextEncoding {
    /// The error to stop on for a customer file in this encoding, at `line`:`column`
    /// (its text is not shown: it is not UTF-8); nil when the loader reads it (UTF-8,
    /// and UTF-16 with a byte order mark).
    ///
    /// For a reader of a stream, with the first block of the file:
    /// `if let error = TextEncoding.sniff(firstBlock: block).error(file: name) { report it; stop }`.
    public func error(file: String, line: Int = 1, column: Int = 1) -> DataError? {
        switch self {
        case .utf8, .utf16(_, true):
            return nil
        case .utf16(let bigEndian, false):
            let name = bigEndian ? "UTF-16BE" : "UTF-16LE"
            return DataError(file: file, line: line, column: column, code: .otherEncoding,
                             message: "the file looks like UTF-16 text (\(bigEndian ? "big" : "little")-endian) without a byte order mark, not UTF-8",
                             help: "convert it to UTF-8 first: \(CustomerText.conversion(from: name, file: file))")
        case .likely(let encoding):
            let (described, iconvName) = encoding == .gb18030 ? ("GB18030 (Chinese)", "GB18030") : ("Latin-1 (Windows-1252)", "WINDOWS-1252")
            return DataError(file: file, line: line, column: column, code: .otherEncoding,
                             message: "the file is not UTF-8 text: it looks like \(described)",
                             help: "convert it to UTF-8 first: \(CustomerText.conversion(from: iconvName, file: file))")
        case .notText:
            return DataError(file: file, line: line, column: column, code: .notText,
                             message: "the file is not text: it holds NUL and control bytes, as a binary file does",
                             help: "pass the customer export itself, as CSV, TSV, JSON or JSON Lines")
        }
    }
}

extension String {
    /// For a shell's single quotes: `'` written `'\''`.
    fileprivate var replacingQuotes: String {
        var out = ""
        for c in self { out += c == "'" ? "'\\''" : String(c) }
        return out
    }
}
