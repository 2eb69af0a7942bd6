// The field separator of a delimited text file and its detection from the header line.

/// The byte that separates fields in a CSV or TSV file.
public enum CSVDelimiter: Sendable, Equatable, CaseIterable {
    /// `,` — the RFC 4180 default.
    case comma
    /// `;` — common in exports from locales where `,` is the decimal separator.
    case semicolon
    /// A horizontal tab — TSV files.
    case tab

    /// The delimiter as a byte.
    public var byte: UInt8 {
        switch self {
        case .comma: ReaderByte.comma
        case .semicolon: ReaderByte.semicolon
        case .tab: ReaderByte.tab
        }
    }

    /// Picks the delimiter that occurs most often outside quotes in the first line of `headerLine`.
    ///
    /// Counting stops at the first line end outside quotes, so the whole rest of
    /// the file may be passed. Quotes toggle the "inside" state, which is exact
    /// for well-formed fields because an escaped `""` toggles twice.
    /// Ties for the highest count, and a line with no candidate at all, give `.comma`.
    public static func detect(headerLine: some Sequence<UInt8>) -> CSVDelimiter {
        var commas = 0, semicolons = 0, tabs = 0
        var inQuotes = false
        for byte in headerLine {
            switch byte {
            case ReaderByte.quote: inQuotes.toggle()
            case ReaderByte.comma where !inQuotes: commas += 1
            case ReaderByte.semicolon where !inQuotes: semicolons += 1
            case ReaderByte.tab where !inQuotes: tabs += 1
            case ReaderByte.lineFeed where !inQuotes, ReaderByte.carriageReturn where !inQuotes:
                return choose(commas: commas, semicolons: semicolons, tabs: tabs)
            default: break
            }
        }
        return choose(commas: commas, semicolons: semicolons, tabs: tabs)
    }

    /// The strict winner among the counts, or `.comma` when there is none.
    private static func choose(commas: Int, semicolons: Int, tabs: Int) -> CSVDelimiter {
        if semicolons > commas && semicolons > tabs { return .semicolon }
        if tabs > commas && tabs > semicolons { return .tab }
        return .comma
    }
}
