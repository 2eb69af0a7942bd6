/// What the CSV reader throws: a ``ReadError`` (the JSON reader throws the same).
public typealias CSVError = ReadError

extension CSVError {
    static let unterminatedQuote = "unterminated quoted field starting here"
    static let emptyFile = "the file is empty: no header row"
    static let onlyBlankLines = "the file has only blank lines: no header row"
}
