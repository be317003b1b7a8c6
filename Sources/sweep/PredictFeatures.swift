import Foundation
import SweepCSV
import SweepData

/// Trunk features given to `sweep predict --features`, as `sweep embed` writes them: a `.npy`
/// (N, D) float32 array (rows named `row:<i>`, 0-based) or a CSV with a header `path,f0,…`
/// (rows named by their path).
struct PredictFeatures {
    /// (rows, columns) row-major.
    var values: [Float]
    var rows: Int
    var columns: Int
    /// A name per row, for the output's path column.
    var names: [String]

    /// Reads `path`; `columns` is the width the head takes.
    static func read(_ path: String, columns expected: Int) throws -> PredictFeatures {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError("\(path): cannot read the features file")
        }
        let features: PredictFeatures
        if path.lowercased().hasSuffix(".npy") {
            let array: NPY.Values
            do { array = try NPY.read(data) } catch { throw CommandError("\(path): \(error)") }
            guard array.shape.count == 2 else {
                throw CommandError("\(path): a (rows, features) array is needed, got shape \(array.shape)")
            }
            features = PredictFeatures(values: array.values.map(Float.init), rows: array.shape[0], columns: array.shape[1],
                                       names: (0..<array.shape[0]).map { "row:\($0)" })
        } else {
            features = try csv(data, path: path)
        }
        guard features.columns == expected else {
            throw CommandError("\(path): \(features.columns) features per row, the head takes \(expected) "
                               + "(features of this trunk: sweep embed --weights <the head's weights>)")
        }
        return features
    }

    private static func csv(_ data: Data, path: String) throws -> PredictFeatures {
        let records: [CSVParser.Record]
        switch CSVParser.parse([UInt8](data)) {
        case .success(let r): records = r
        case .failure(let e): throw CommandError("\(path):\(e.line): \(e.message)")
        }
        guard let header = records.first, header.fields.first == "path", header.fields.count > 1 else {
            throw CommandError("\(path): not a features CSV of sweep embed (header path,f0,f1,…)")
        }
        let columns = header.fields.count - 1
        var values: [Float] = []
        values.reserveCapacity((records.count - 1) * columns)
        var names: [String] = []
        for record in records.dropFirst() {
            guard record.fields.count == columns + 1 else {
                throw CommandError("\(path):\(record.line): \(record.fields.count) fields, the header has \(columns + 1)")
            }
            for (i, text) in record.fields.dropFirst().enumerated() {
                guard let x = Float(text), x.isFinite else {
                    throw CommandError("\(path):\(record.line): \(header.fields[i + 1]): not a number: '\(text)'")
                }
                values.append(x)
            }
            names.append(record.fields[0])
        }
        return PredictFeatures(values: values, rows: names.count, columns: columns, names: names)
    }
}
