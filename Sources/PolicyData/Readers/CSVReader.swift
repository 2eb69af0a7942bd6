// Streaming, zero-copy reader of a whole CSV/TSV file held in memory.

import PolicyFiles

/// Reads a CSV or TSV file record by record without turning it into strings.
///
/// ```swift
/// var reader = try CSVReader(bytes: fileBytes)
/// var record = CSVRecord()
/// while try reader.next(into: &record) {
///     guard record.fields.count == reader.header.count else { /* reject line record.line */ continue }
///     let name = reader.string(record.fields[1])
/// }
/// ```
///
/// Rules: a UTF-8 byte order mark is skipped; lines end with LF, CRLF or a lone
/// CR; blank lines are skipped; quoted fields may hold delimiters, `""` and line
/// ends; spaces (and tabs, unless tab is the delimiter) around a quoted field are
/// ignored; a quote inside an unquoted field is kept literally; text after a
/// closing quote (`"ab"cd`) makes the whole field literal, quotes included.
/// A quote that never closes is an error at the line where its field started.
public struct CSVReader: Sendable {
    /// The whole file. Fields are spans into it.
    public let bytes: FileBytes
    /// Header names, trimmed as cells are (``CellText``), in file order.
    public let header: [String]
    /// Empty and duplicate header names, for the caller to accept or refuse.
    public let headerIssues: [CSVHeaderIssue]
    /// The delimiter in use, forced by the caller or detected from the header line.
    public let delimiter: CSVDelimiter
    /// 1-based line of the header record.
    public let headerLine: Int

    private var scanner: CSVScanner

    /// Offset of the header record's first byte.
    let headerStart: Int
    /// The header's fields, to place a message about one of its names.
    let headerFields: [CSVField]

    /// Where the records after the header start: the offset and its 1-based line.
    /// Records are read from here, in one go or in pieces (see `DelimitedPieces`).
    /// After ``next(into:)``, where the next record's reading starts.
    var dataStart: (position: Int, line: Int) { (scanner.position, scanner.line) }

    /// Opens `bytes` and reads the header: the first non-blank record.
    ///
    /// - Parameter delimiter: forces the delimiter (pass `.tab` for TSV files); `nil` detects it from the header line.
    /// - Throws: ``CSVError`` when the file is empty, holds only blank lines, or the header has an unterminated quote.
    public init(bytes: [UInt8], delimiter: CSVDelimiter? = nil) throws(CSVError) {
        try self.init(bytes: FileBytes(bytes), delimiter: delimiter)
    }

    public init(bytes: FileBytes, delimiter: CSVDelimiter? = nil) throws(CSVError) {
        self.bytes = bytes
        let (start, firstLine) = bytes.withUnsafeBufferPointer { p in
            CSVReader.firstContent(p)
        }
        if start >= bytes.count {
            let bomLength = bytes.withUnsafeBufferPointer { ReaderByte.byteOrderMarkLength($0) }
            let empty = bytes.count == bomLength
            // Blank-only files point at line 1: the line after the last blank one does not exist.
            throw CSVError(line: 1, column: 1,
                           message: empty ? CSVError.emptyFile : CSVError.onlyBlankLines)
        }
        self.headerStart = start
        let chosen = delimiter ?? bytes.withUnsafeBufferPointer { CSVDelimiter.detect(headerLine: UnsafeBufferPointer(rebasing: $0[start...])) }
        self.delimiter = chosen
        var scanner = CSVScanner(position: start, line: firstLine, delimiter: chosen)
        var fields: [CSVField] = []
        var line = firstLine
        let outcome = bytes.withUnsafeBufferPointer { p in
            scanner.scanRecord(p, into: &fields, recordLine: &line)
        }
        switch outcome {
        case .record:
            break
        case .end:
            // INVARIANT: unreachable, `start` is at a non-blank byte; kept as an error rather than a trap.
            throw CSVError(line: firstLine, column: 1, message: CSVError.onlyBlankLines)
        case .unterminatedQuote(let quoteLine, let offset):
            throw bytes.withUnsafeBufferPointer { CSVReader.unterminated($0, line: quoteLine, offset: offset) }
        }
        self.scanner = scanner
        self.headerLine = line
        self.headerFields = fields
        var names: [String] = []
        names.reserveCapacity(fields.count)
        for field in fields {
            names.append(bytes.withUnsafeBufferPointer { p in
                field.withContent(in: p) { String(decoding: CellText.trimmed($0), as: UTF8.self) }
            })
        }
        self.header = names
        self.headerIssues = CSVReader.issues(in: names)
    }

    /// Reads the next record into `record`, reusing its field buffer.
    ///
    /// - Returns: `false` once the input is exhausted (and on every later call).
    /// - Throws: ``CSVError`` for a quoted field that never closes; records before it
    ///   were already delivered, and later calls return `false`.
    public mutating func next(into record: inout CSVRecord) throws(CSVError) -> Bool {
        record.fields.removeAll(keepingCapacity: true)
        let outcome = bytes.withUnsafeBufferPointer { p in
            scanner.scanRecord(p, into: &record.fields, recordLine: &record.line)
        }
        switch outcome {
        case .record:
            return true
        case .end:
            return false
        case .unterminatedQuote(let line, let offset):
            record.fields.removeAll(keepingCapacity: true)
            throw bytes.withUnsafeBufferPointer { CSVReader.unterminated($0, line: line, offset: offset) }
        }
    }

    // INVARIANT: `field` came from this reader, so its span lies inside `bytes`; spans from
    // elsewhere are clamped rather than trusted, so a bad span cannot read out of bounds.
    /// Calls `body` with the content bytes of `field`, with `""` already turned into `"`.
    ///
    /// No copy is made unless the field has escaped quotes; then the content is
    /// unescaped into a temporary buffer valid only during `body` (``CSVField/withContent(in:_:)``).
    @inlinable
    public func withFieldBytes<R>(_ field: CSVField, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { try field.withContent(in: $0, body) }
    }

    /// The content of `field` as a string; invalid UTF-8 becomes U+FFFD.
    public func string(_ field: CSVField) -> String {
        withFieldBytes(field) { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: - Helpers

    /// Offset after the BOM and leading blank lines, and the line it is on.
    private static func firstContent(_ p: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var i = ReaderByte.byteOrderMarkLength(p)
        var line = 1
        while i < p.count {
            if p[i] == ReaderByte.lineFeed {
                i += 1
            } else if p[i] == ReaderByte.carriageReturn {
                i += 1
                if i < p.count && p[i] == ReaderByte.lineFeed { i += 1 }
            } else {
                break
            }
            line += 1
        }
        return (i, line)
    }

    private static func issues(in names: [String]) -> [CSVHeaderIssue] {
        var issues: [CSVHeaderIssue] = []
        var firstSeen: [String: Int] = [:]
        firstSeen.reserveCapacity(names.count)
        for (index, name) in names.enumerated() {
            let column = index + 1
            if name.isEmpty {
                issues.append(.empty(column: column))
            } else if let first = firstSeen[name] {
                issues.append(.duplicate(name: name, column: column, firstColumn: first))
            } else {
                firstSeen[name] = column
            }
        }
        return issues
    }

    /// The place of header name `index` (0-based), or of the whole header when nil.
    func headerPlace(_ index: Int?) -> DataPlace {
        bytes.withUnsafeBufferPointer { p in
            var cursor = TextCursor(lineStart: headerStart, line: headerLine)
            guard let index, headerFields.indices.contains(index) else {
                return DataPlace.of(headerStart..<(headerFields.last.map { CSVBatch.range(of: $0).upperBound } ?? headerStart),
                                    in: p, cursor: &cursor)
            }
            return DataPlace.of(CSVBatch.range(of: headerFields[index]), in: p, cursor: &cursor)
        }
    }

    /// The error for a quoted field opened at byte `offset`, on `line`, that never closes.
    static func unterminated(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, offset: Int) -> CSVError {
        let position = ReaderPosition.of(offset: offset, in: bytes)
        // INVARIANT: the scanner's line count and ReaderPosition use the same line-end rule,
        // so position.line == line; the scanner's value is kept as the authority.
        return CSVError(line: line, column: position.column, message: CSVError.unterminatedQuote)
    }
}
