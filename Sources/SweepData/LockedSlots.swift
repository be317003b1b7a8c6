import Foundation

/// One optional value per item of a batch, set from several threads (the trunk's streams,
/// parallel decoding) and read afterwards.
public final class LockedSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value?]

    /// `count` empty slots.
    public init(count: Int) { values = Array(repeating: nil, count: count) }

    /// Sets slot `i` (from any thread).
    public func set(_ i: Int, _ value: Value) { lock.withLock { values[i] = value } }

    /// Slot `i`, nil while unset.
    public subscript(i: Int) -> Value? { lock.withLock { values[i] } }
}
