/// One thing wrong with a data set, naming the file (and line, variable or image) at fault.
public struct DataProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem it is; tests and callers match on this, people read `message`.
    public enum Kind: String, Sendable, Codable {
        /// A file or folder the format needs is absent.
        case missingFile
        /// A file exists but cannot be read as what it should be.
        case unreadableFile
        /// A `.mat` file lacks a variable.
        case missingVariable
        /// A `.mat` variable has the wrong MATLAB class (cell, char, double, ...).
        case wrongType
        /// A `.mat` variable has the wrong dimensions.
        case wrongShape
        /// A class name is empty or repeated.
        case badClassName
        /// A target value other than +1/-1 (MIML) or 0/1 (CSV).
        case badTarget
        /// The number of images differs from the number of label columns/rows.
        case imageCount
        /// An image named by the labels is not on disk.
        case missingImage
        /// An image file is not a readable JPEG (no SOI marker, no frame header, zero size).
        case badImage
        /// A CSV file is not well-formed (unterminated quote, stray quote).
        case csvSyntax
        /// The CSV header is not `filename,<label>,...` with distinct, non-empty labels.
        case csvHeader
        /// A CSV row has a different number of fields from the header.
        case csvColumnCount
        /// A CSV row names an image already named on an earlier line.
        case csvDuplicate
        /// The data set holds no images or no classes.
        case empty
    }

    /// The kind of problem.
    public var kind: Kind
    /// The file or folder at fault (as given, not resolved).
    public var file: String
    /// The 1-based line in `file`, for text formats.
    public var line: Int?
    /// What is wrong, in words.
    public var message: String

    /// A problem with `file` (at `line`, when the format has lines).
    public init(_ kind: Kind, file: String, line: Int? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// A data set that failed validation: the first problems found, in the order found.
public struct DataSetError: Error, Sendable, CustomStringConvertible {
    /// The data set path as given.
    public var path: String
    /// The first problems found (at most the reader's limit).
    public var problems: [DataProblem]
    /// How many problems were found in total (at least `problems.count`).
    public var totalProblems: Int

    /// An error listing `problems`, out of `totalProblems` found.
    public init(path: String, problems: [DataProblem], totalProblems: Int) {
        self.path = path
        self.problems = problems
        self.totalProblems = max(totalProblems, problems.count)
    }

    /// The first problem, then a count of the others.
    public var description: String {
        var lines = ["invalid data set \(path): \(totalProblems) problem\(totalProblems == 1 ? "" : "s")"]
        lines += problems.map { "  \($0)" }
        if totalProblems > problems.count { lines.append("  ... and \(totalProblems - problems.count) more") }
        return lines.joined(separator: "\n")
    }
}

/// Collects problems up to a limit while counting all of them.
struct ProblemLog {
    private(set) var problems: [DataProblem] = []
    private(set) var total = 0
    let limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    mutating func add(_ problem: DataProblem) {
        total += 1
        if problems.count < limit { problems.append(problem) }
    }

    var isEmpty: Bool { total == 0 }
}
