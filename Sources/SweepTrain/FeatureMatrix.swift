import SweepTensor

/// A read-only (rows, columns) fp32 row-major matrix of trunk features, e.g. a memory-mapped
/// feature cache. `owner` keeps the memory alive for as long as the matrix is used.
public struct FeatureMatrix: @unchecked Sendable {
    /// (rows, columns) values; never written through.
    public let base: UnsafePointer<Float>
    /// Number of samples.
    public let rows: Int
    /// Features per sample.
    public let columns: Int
    /// Whatever owns the memory (a `FloatBuffer`, a mapping); nil when the caller guarantees it.
    public let owner: AnyObject?

    /// A matrix over memory owned by `owner`.
    ///
    /// - Parameters:
    ///   - base: (rows, columns) row-major.
    public init(base: UnsafePointer<Float>, rows: Int, columns: Int, owner: AnyObject?) {
        self.base = base
        self.rows = rows
        self.columns = columns
        self.owner = owner
    }

    /// A matrix over a buffer of at least `rows * columns` values.
    public init(_ buffer: FloatBuffer, rows: Int, columns: Int) throws {
        guard rows >= 0, columns > 0, buffer.count >= rows * columns else {
            throw TrainError.invalidData("features: a buffer of \(buffer.count) values cannot hold \(rows) x \(columns)")
        }
        self.init(base: buffer.pointer, rows: rows, columns: columns, owner: buffer)
    }

    /// Copies the given rows, in order, into `destination`.
    ///
    /// - Parameters:
    ///   - destination: (indices.count, columns).
    func gather(_ indices: ArraySlice<Int>, into destination: UnsafeMutablePointer<Float>) {
        for (k, row) in indices.enumerated() {
            (destination + k * columns).update(from: base + row * columns, count: columns)
        }
    }
}
