import Foundation
import XCTest

/// A JSON value, decoded with `JSONDecoder` (exact doubles; `JSONSerialization` on Linux
/// rounds some 17-digit numbers).
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let x = try? c.decode(Double.self) { self = .number(x) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var string: String? { if case .string(let s) = self { return s }; return nil }
    var array: [JSONValue] { if case .array(let a) = self { return a }; return [] }

    /// A number as trials.jsonl writes it: a JSON number, or "NaN" / "Infinity" / "-Infinity".
    var number: Double? {
        switch self {
        case .number(let x): return x
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        default: return nil
        }
    }

    /// The value without the keys `drop` at any depth.
    func removing(_ drop: Set<String>) -> JSONValue {
        switch self {
        case .object(let o):
            return .object(o.filter { !drop.contains($0.key) }.mapValues { $0.removing(drop) })
        case .array(let a):
            return .array(a.map { $0.removing(drop) })
        default:
            return self
        }
    }
}

/// `trials.jsonl` read independently of SweepCore: one JSON object per `\n`-terminated line.
struct TrialsFile {
    let raw: Data
    let records: [JSONValue]

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ folder: URL) throws -> TrialsFile {
        let raw = try Data(contentsOf: folder.appendingPathComponent("trials.jsonl"))
        guard raw.isEmpty || raw.last == UInt8(ascii: "\n") else {
            throw Invalid(description: "trials.jsonl does not end with a newline (a partial record)")
        }
        var records: [JSONValue] = []
        for (i, line) in raw.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().enumerated() {
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line)), case .object = value else {
                throw Invalid(description: "trials.jsonl line \(i + 1) is not a JSON object: \(String(decoding: line, as: UTF8.self))")
            }
            records.append(value)
        }
        return TrialsFile(raw: raw, records: records)
    }

    var ids: [String] { records.map(\.id) }

    func record(_ id: String) -> JSONValue? { records.first { $0.id == id } }
}

/// The fields of a trial record.
extension JSONValue {
    var id: String { self["id"]?.string ?? "" }
    var state: String { self["state"]?.string ?? "" }
    var attempts: Int { self["attempts"]?.number.map { Int($0) } ?? -1 }
    var bestEpoch: Int? { self["best_epoch"]?.number.map { Int($0) } }
    var objective: Double? { self["objective"]?.number }
    var workerPID: Int32? { self["worker_pid"]?.number.map { Int32($0) } }
    var epochs: [JSONValue] { self["epochs"]?.array ?? [] }

    /// The numeric parameter `name`.
    func parameter(_ name: String) -> Double? { self["parameters"]?[name]?.number }

    /// The record without what depends on when or where it ran: timings, worker pid, each
    /// epoch's seconds.
    var reproducible: JSONValue { removing(["timings", "worker_pid", "seconds"]) }
}

/// `runs.csv` (the per-run leaderboard), read as RFC 4180 CSV: a header and one row per trial.
struct LeaderboardFile {
    let header: [String]
    let rows: [[String: String]]

    static func read(_ folder: URL) throws -> LeaderboardFile {
        let records = try CSV.records(String(contentsOf: folder.appendingPathComponent("runs.csv"), encoding: .utf8))
        let header = records.first ?? []
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        return LeaderboardFile(header: header, rows: rows)
    }

    /// The rows without the `seconds` column, as text (for comparing two runs).
    var rowsWithoutSeconds: [String] {
        rows.map { row in header.filter { $0 != "seconds" }.map { row[$0] ?? "?" }.joined(separator: ",") }
    }
}

/// Checks a leaderboard against the records, independently of the ranking code: one row per
/// record; each record's best epoch and objective recomputed from its epochs; rows ordered
/// complete first, then pruned, diverged, failed, each group by the objective (direction-aware).
func assertLeaderboardRanks(_ board: LeaderboardFile, _ trials: TrialsFile, metric: String, maximize: Bool,
                            file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(board.rows.count, trials.records.count, "one leaderboard row per trial", file: file, line: line)
    XCTAssertEqual(Set(board.rows.compactMap { $0["id"] }), Set(trials.ids), "leaderboard ids = trials.jsonl ids", file: file, line: line)
    let group = ["complete": 0, "pruned": 1, "diverged": 2, "failed": 3]
    var previous: (group: Int, value: Double?)?
    for (i, row) in board.rows.enumerated() {
        XCTAssertEqual(row["rank"], "\(i + 1)", file: file, line: line)
        guard let id = row["id"], let record = trials.record(id) else {
            XCTFail("leaderboard row \(i + 1) has no record in trials.jsonl", file: file, line: line)
            continue
        }
        XCTAssertEqual(row["state"], record.state, "state of \(id)", file: file, line: line)
        // The best epoch by the objective, from the per-epoch values: earliest wins a tie.
        var best: (epoch: Int, value: Double)?
        for e in record.epochs {
            guard let v = e["val"]?[metric]?.number, v.isFinite, let epoch = e["epoch"]?.number.map({ Int($0) }) else { continue }
            if best.map({ maximize ? v > $0.value : v < $0.value }) ?? true { best = (epoch, v) }
        }
        if record.state == "complete" {
            XCTAssertEqual(record.bestEpoch, best?.epoch, "best epoch of \(id)", file: file, line: line)
            XCTAssertEqual(record.objective, best?.value, "objective of \(id)", file: file, line: line)
            XCTAssertEqual(row["best_epoch"], best.map { "\($0.epoch)" }, "leaderboard best_epoch of \(id)", file: file, line: line)
            XCTAssertEqual(row["val_\(metric)"].flatMap(Double.init), best?.value, "leaderboard val_\(metric) of \(id)", file: file, line: line)
        }
        let g = group[record.state] ?? 9
        let value = record.objective.flatMap { $0.isFinite ? $0 : nil }
        if let p = previous {
            XCTAssertLessThanOrEqual(p.group, g, "row \(i + 1) (\(record.state)) ranked below a worse state", file: file, line: line)
            if p.group == g, let a = p.value, let b = value {
                XCTAssertTrue(maximize ? a >= b : a <= b, "rows \(i) and \(i + 1) out of order: \(a) then \(b)", file: file, line: line)
            }
            if p.group == g, p.value == nil {
                XCTAssertNil(value, "a row without an objective ranked above row \(i + 1)", file: file, line: line)
            }
        }
        previous = (g, value)
    }
}

/// A strict RFC 4180 reader for the tests (fields quoted with `"`, `""` inside, LF or CRLF).
enum CSV {
    struct Malformed: Error, CustomStringConvertible { var description: String }

    static func records(_ text: String) throws -> [[String]] {
        var records: [[String]] = [], fields: [String] = [], field = ""
        var quoted = false, afterQuote = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { chars.removeFirst(); field.unicodeScalars.append(c) } else { quoted = false; afterQuote = true }
                } else { field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty, !afterQuote else { throw Malformed(description: "stray quote in \(field)") }
                quoted = true
            case ",":
                fields.append(field); field = ""; afterQuote = false
            case "\r":
                continue
            case "\n":
                fields.append(field); records.append(fields); fields = []; field = ""; afterQuote = false
            default:
                guard !afterQuote else { throw Malformed(description: "text after a closing quote") }
                field.unicodeScalars.append(c)
            }
        }
        guard !quoted else { throw Malformed(description: "unterminated quote") }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); records.append(fields) }
        return records
    }
}
