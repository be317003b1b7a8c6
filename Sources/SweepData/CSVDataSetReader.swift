import Foundation
import SweepCSV

/// Reads a CSV data set in one of two layouts, with a header row first:
///
/// - one 0/1 column per class, the layout of the notebook's DataFrame:
///   `filename,desert,mountains,...` then `img/1.jpg,1,0,...`; values `0`, `1`, `0.0` and `1.0`
///   are accepted (pandas writes float labels as `1.0`);
/// - a list of labels per image: exactly the header `filename,labels`, then `img/1.jpg,cat dog`
///   with the labels separated by spaces or `;` (an empty cell: no label); the classes are
///   every label used, sorted.
///
/// Image paths are relative to the CSV's folder (absolute paths are used as they are); images
/// are JPEG or PNG. Blank lines are skipped, as pandas does. Every problem names the CSV file
/// and line.
public enum CSVDataSetReader {
    /// Reads and checks `csv` (`path` is how the caller named it).
    static func scan(csv: URL, path: String, problemLimit: Int) -> DataSetScan {
        var log = ProblemLog(limit: problemLimit)
        var checker = ImageChecker()
        let file = csv.path
        func finish(_ dataset: LabelledImages?) -> DataSetScan {
            DataSetScan(path: path, format: .csv, dataset: dataset, log: log, images: checker.stats)
        }
        guard FileManager.default.fileExists(atPath: file) else {
            log.add(DataProblem(.missingFile, file: file, "no such CSV file"))
            return finish(nil)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            log.add(DataProblem(.unreadableFile, file: file, "cannot read the file"))
            return finish(nil)
        }
        let records: [CSVParser.Record]
        switch CSVParser.parse([UInt8](data)) {
        case .success(let r): records = r.filter { $0.fields != [""] }
        case .failure(let e):
            log.add(DataProblem(.csvSyntax, file: file, line: e.line, e.message))
            return finish(nil)
        }
        guard let header = records.first else {
            log.add(DataProblem(.empty, file: file, "the file is empty; expected a header `filename,<label>,...` or `filename,labels`"))
            return finish(nil)
        }
        let listLayout = header.fields.count == 2
            && header.fields[0].trimmingCharacters(in: .whitespaces).lowercased() == "filename"
            && header.fields[1].trimmingCharacters(in: .whitespaces).lowercased() == "labels"
        let classNames: [String]
        if listLayout {
            classNames = Array(Set(records.dropFirst().filter { $0.fields.count == 2 }.flatMap { labelList($0.fields[1]) }))
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            guard !classNames.isEmpty else {
                log.add(DataProblem(.csvHeader, file: file, line: header.line,
                                    "the `labels` column names no label in any row; expected e.g. `img/1.jpg,cat dog`"))
                return finish(nil)
            }
        } else {
            guard let names = readHeader(header, file: file, log: &log) else { return finish(nil) }
            classNames = names
        }

        let folder = csv.deletingLastPathComponent()
        let c = classNames.count
        let width = listLayout ? 2 : c + 1
        var paths: [String] = []
        var targets: [UInt8] = []
        var firstLine: [String: Int] = [:]  // resolved path -> line first naming it
        for record in records.dropFirst() {
            let line = record.line
            guard record.fields.count == width else {
                log.add(DataProblem(.csvColumnCount, file: file, line: line, "\(record.fields.count) fields; the header has \(width) "
                                    + (listLayout ? "(filename, labels)" : "(filename + \(c) labels)")))
                continue
            }
            let name = record.fields[0]
            guard !name.isEmpty else {
                log.add(DataProblem(.missingImage, file: file, line: line, "empty filename"))
                continue
            }
            var row = [UInt8](repeating: 0, count: c)
            var rowOK = true
            if listLayout {
                for label in labelList(record.fields[1]) {
                    if let k = classNames.firstIndex(of: label) { row[k] = 1 }
                }
            }
            for k in 0..<(listLayout ? 0 : c) {
                guard let value = parseLabel(record.fields[k + 1]) else {
                    log.add(DataProblem(.badTarget, file: file, line: line,
                                        "`\(record.fields[k + 1])` for label `\(classNames[k])`; expected 0 or 1"))
                    rowOK = false
                    continue
                }
                row[k] = value
            }
            let url = resolve(name, against: folder).standardizedFileURL
            if let first = firstLine[url.path] {
                log.add(DataProblem(.csvDuplicate, file: file, line: line, "image \(name) already listed on line \(first)"))
                continue
            }
            firstLine[url.path] = line
            checker.check(url, name: name, line: line, labelsFile: file, log: &log)
            guard rowOK else { continue }
            paths.append(name)
            targets += row
        }
        if records.count == 1 {
            log.add(DataProblem(.empty, file: file, line: header.line, "a header but no image rows"))
        }
        let synthetic = SyntheticMarker.read(in: folder)
        return finish(LabelledImages(format: .csv, root: folder, labelsFile: csv, classNames: classNames,
                                     imagePaths: paths, targets: targets, isSynthetic: synthetic != nil,
                                     origin: synthetic ?? "CSV data set \(file)"))
    }

    /// The label names of a `filename,<label>,...` header; nil (and logged) when it is not one.
    static func readHeader(_ header: CSVParser.Record, file: String, log: inout ProblemLog) -> [String]? {
        let first = header.fields[0].trimmingCharacters(in: .whitespaces)
        guard first.lowercased() == "filename" else {
            log.add(DataProblem(.csvHeader, file: file, line: header.line,
                                "first column is `\(first)`; expected the header `filename,<label>,<label>,...` or `filename,labels`"))
            return nil
        }
        guard header.fields.count >= 2 else {
            log.add(DataProblem(.csvHeader, file: file, line: header.line, "no label columns after `filename`"))
            return nil
        }
        var names: [String] = []
        for (k, raw) in header.fields.dropFirst().enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces)
            if name.isEmpty {
                log.add(DataProblem(.csvHeader, file: file, line: header.line, "label column \(k + 2) has no name"))
                return nil
            }
            if names.contains(name) {
                log.add(DataProblem(.csvHeader, file: file, line: header.line, "label `\(name)` appears twice"))
                return nil
            }
            names.append(name)
        }
        return names
    }

    /// The labels of a `labels` cell: separated by spaces or `;`, empty pieces dropped.
    static func labelList(_ cell: String) -> [String] {
        cell.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\t" }).map(String.init)
    }

    /// 0 or 1 from `0`, `1`, `0.0`, `1.0` (spaces around allowed); nil for anything else.
    static func parseLabel(_ text: String) -> UInt8? {
        switch text.trimmingCharacters(in: .whitespaces) {
        case "0", "0.0": 0
        case "1", "1.0": 1
        default: nil
        }
    }
}
