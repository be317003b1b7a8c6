/// An owned, 64-byte aligned fp32 buffer with a stable address, for weights and
/// activations that kernels read through raw pointers.
public final class FloatBuffer: @unchecked Sendable {
    /// Start of the values.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of values.
    public let count: Int

    /// A zero-filled buffer of `count` values.
    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
    }

    /// A buffer holding a copy of `values`.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.update(from: base, count: values.count) }
        }
    }

    deinit { pointer.deallocate() }

    /// The values as an array.
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
