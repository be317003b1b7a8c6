/// The one CSV writer of sweep (leaderboard, split, `predict`, `embed`): RFC 4180 section 2.
///
/// - Fields are separated by commas; every record, the header first, ends with a line break.
/// - A field holding a comma, a double quote, a CR or an LF is enclosed in double quotes, and
///   each double quote inside it is doubled (`a "b"` -> `"a ""b"""`); other fields are written
///   as they are (spaces are part of a field and kept).
/// - Line breaks are LF. RFC 4180 names CRLF; every CSV reader (Python's `csv`, pandas, R,
///   Excel, `CSVParser`) reads LF too, and LF keeps the files friendly to Unix tools.
public struct CSVWriter: Sendable {
    /// The column names, written as the first record.
    public let header: [String]

    /// A writer of tables with these columns.
    public init(header: [String]) {
        self.header = header
    }

    /// The header record, with its line break.
    public var headerLine: String { Self.line(header) }

    /// One record with its line break.
    ///
    /// - Parameter fields: one per column of `header`.
    public func line(_ fields: [String]) -> String {
        precondition(fields.count == header.count, "CSV record of \(fields.count) fields for \(header.count) columns")
        return Self.line(fields)
    }

    /// The whole table: header, then one record per row.
    public func document(_ rows: [[String]]) -> String {
        headerLine + rows.map(line).joined()
    }

    /// `fields` as one record with its line break, each field quoted as needed.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }

    /// `text` as one field: quoted (quotes doubled) when it holds a comma, quote, CR or LF.
    public static func field(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        var quoted = "\""
        for c in text.unicodeScalars {
            if c == "\"" { quoted.unicodeScalars.append(c) }
            quoted.unicodeScalars.append(c)
        }
        return quoted + "\""
    }
}
