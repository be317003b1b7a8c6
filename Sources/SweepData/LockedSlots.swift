import Foundation

/// One optional value per item of a batch, set from several threads (the trunk's streams,
/// parallel decoding) and read afterwards.
final class LockedSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Value) { lock.withLock { values[i] = value } }

    subscript(i: Int) -> Value? { lock.withLock { values[i] } }
}
