/// A small RFC 4180 CSV reader that keeps the line each record starts on.
///
/// Written here rather than taken from SwiftCSV or CSV.swift (both available offline) because
/// neither reports where a record sits in the file: with quoted fields holding line breaks, and
/// blank lines, a record's index is not its line number, and the data set errors must name the
/// line a person would open in an editor. It is also one dependency fewer.
///
/// Rules (RFC 4180, section 2): fields separated by commas, records by CRLF, LF or CR; a field
/// may be enclosed in double quotes, and then may hold commas, line breaks and `""` (one quote).
/// A quote inside an unquoted field, text after a closing quote, or an unterminated quoted
/// field is an error. A UTF-8 byte-order mark at the start is skipped.
public enum CSVParser {
    /// One record and the 1-based line it starts on.
    public struct Record: Equatable, Sendable {
        /// The 1-based line the record starts on.
        public var line: Int
        /// The fields, unquoted.
        public var fields: [String]

        /// A record starting on `line`.
        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    /// A syntax error and the 1-based line where it was found.
    public struct SyntaxError: Error, Equatable, Sendable {
        /// The 1-based line of the error.
        public var line: Int
        /// What is wrong.
        public var message: String
    }

    /// The records of `bytes` (UTF-8 text).
    public static func parse(_ bytes: [UInt8]) -> Result<[Record], SyntaxError> {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var recordLine = 1
        let n = bytes.count

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        /// Skips a line break at `i` (CRLF, LF or CR) and counts it.
        func skipBreak() {
            if bytes[i] == cr, i + 1 < n, bytes[i + 1] == lf { i += 1 }
            i += 1
            line += 1
        }

        while i < n {
            // At the start of a field.
            if bytes[i] == quote {
                let openLine = line
                i += 1
                var closed = false
                while i < n {
                    let b = bytes[i]
                    if b == quote {
                        if i + 1 < n, bytes[i + 1] == quote {
                            field.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    if b == lf || b == cr {
                        if b == cr, i + 1 < n, bytes[i + 1] == lf { field.append(cr); i += 1 }
                        field.append(bytes[i])
                        i += 1
                        line += 1
                        continue
                    }
                    field.append(b)
                    i += 1
                }
                guard closed else {
                    return .failure(SyntaxError(line: openLine, message: "quoted field opened on this line is never closed"))
                }
                if i < n, bytes[i] != comma, bytes[i] != lf, bytes[i] != cr {
                    return .failure(SyntaxError(line: line, message: "text after the closing quote of a field"))
                }
            } else {
                while i < n, bytes[i] != comma, bytes[i] != lf, bytes[i] != cr {
                    if bytes[i] == quote {
                        return .failure(SyntaxError(line: line, message: "a double quote inside an unquoted field (quote the whole field and double the quote)"))
                    }
                    field.append(bytes[i])
                    i += 1
                }
            }
            endField()
            if i >= n { break }
            if bytes[i] == comma {
                i += 1
                if i >= n { endField() }  // trailing comma: one more, empty field
                continue
            }
            skipBreak()
            records.append(Record(line: recordLine, fields: fields))
            fields.removeAll(keepingCapacity: true)
            recordLine = line
        }
        if !fields.isEmpty { records.append(Record(line: recordLine, fields: fields)) }
        return .success(records)
    }
}
