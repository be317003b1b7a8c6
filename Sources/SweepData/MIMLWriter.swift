import Foundation

/// Writes a data set in MIML's own layout: `miml data.mat` (libmatio, MATLAB v5, uncompressed)
/// with `class_name` (C x 1 cell of char row vectors), `targets` (C x N double, +1/-1) and
/// `bags` (N x 1 cell of double matrices). `MIMLReader` reads what this writes; the synthetic
/// scene generator (SweepScenes) writes its `.mat` through it.
public enum MIMLWriter {
    /// The `.mat` could not be written.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What went wrong, naming the file.
        public var description: String
    }

    /// Writes `url` through a temporary file beside it and a rename.
    /// - Parameters:
    ///   - classNames: the C class names.
    ///   - targets: (N, C) row-major 0/1, written as C x N double +1/-1.
    ///   - bags: N arrays of (bagRows, bagColumns) row-major, written as an N x 1 cell of
    ///     bagRows x bagColumns double.
    ///   - header: the MAT-file's 116-byte text header.
    public static func writeMat(to url: URL, classNames: [String], targets: [UInt8],
                                bags: [[Double]], bagRows: Int, bagColumns: Int, header: String) throws(Failure) {
        let c = classNames.count, n = targets.count / max(c, 1)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        do throws(Failure) {
            guard let file = MatFile.createV5(temporary.path, header: header) else {
                throw Failure(description: "libmatio cannot create \(temporary.path)")
            }
            let nameCells = classNames.compactMap { MatVariable.rawCharRow($0) }
            // Column-major C x N: element (k, j) at k + j * C, which is the (N, C) row-major layout.
            let signed = targets.map { $0 != 0 ? 1.0 : -1.0 }
            let bagCells = bags.compactMap { bag in
                MatVariable.rawDoubleMatrix(name: nil, rows: bagRows, columns: bagColumns,
                                            columnMajor: transpose(bag, rows: bagRows, columns: bagColumns))
            }
            guard nameCells.count == c, bagCells.count == n,
                  let classVar = MatVariable.cell(name: "class_name", rows: c, columns: 1, elements: nameCells),
                  let targetVar = MatVariable.doubleMatrix(name: "targets", rows: c, columns: n, columnMajor: signed),
                  let bagVar = MatVariable.cell(name: "bags", rows: n, columns: 1, elements: bagCells) else {
                throw Failure(description: "libmatio cannot build the variables for \(url.path)")
            }
            guard file.write(bagVar, compressed: false), file.write(classVar, compressed: false),
                  file.write(targetVar, compressed: false) else {
                throw Failure(description: "libmatio failed writing \(temporary.path)")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        // The file is closed (MatFile released) before the rename.
        guard rename(temporary.path, url.path) == 0 else {
            throw Failure(description: "cannot rename \(temporary.path) to \(url.path): errno \(errno)")
        }
    }

    /// Column-major copy of a (rows, columns) row-major matrix.
    static func transpose(_ m: [Double], rows: Int, columns: Int) -> [Double] {
        var out = [Double](repeating: 0, count: m.count)
        for r in 0..<rows {
            for c in 0..<columns { out[c * rows + r] = m[r * columns + c] }
        }
        return out
    }
}
