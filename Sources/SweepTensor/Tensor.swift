/// A dense, row-major fp32 tensor: a shape and its values.
///
/// The layout of the dimensions is the caller's convention and is written beside every
/// use, e.g. `// (N, H, W, C)`. Kernels take raw pointers plus sizes (llm.c style);
/// `Tensor` is how weights and results travel between them.
public struct Tensor: Sendable, Equatable {
    /// Dimension sizes, outermost first.
    public var shape: [Int]
    /// `shape.reduce(1, *)` values, row-major.
    public var data: [Float]

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// A tensor over existing values; `data.count` must equal the product of `shape`.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "Tensor: \(data.count) values for shape \(shape)")
        self.shape = shape
        self.data = data
    }

    /// Number of values.
    public var count: Int { data.count }

    /// The same values under another shape with the same count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }

    /// Largest absolute value (0 for an empty tensor).
    public var maxAbs: Float { data.reduce(0) { max($0, abs($1)) } }
}

/// Formats a shape as `(2, 3, 4)`.
public func describeShape(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + ")"
}
