// SplitMix64: Steele, Lea & Flood, "Fast splittable pseudorandom number generators" (OOPSLA 2014),
// the step `splitmix64` of SweepTensor (Vigna's reference https://prng.di.unimi.it/splitmix64.c).
// Bounded integers: Lemire, "Fast random integer generation in an interval" (TOMACS 2019).
import SweepTensor

/// The project's own seeded generator, so that a seed gives the same numbers on every platform
/// and Swift version (the standard library's `shuffle(using:)` and `random(in:using:)` do not
/// promise a stable algorithm).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The generator's whole state.
    public private(set) var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// An independent stream of `seed` (the trial loop initialises the head from
    /// `SeededGenerator(seed:)` and uses stream 2 for the batch order, 3 for dropout masks).
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SeededGenerator(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { splitmix64(&state) }

    /// A float uniform in [0, 1) with 24 random bits (as torch's `uniform_` for fp32).
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A double uniform in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// An integer uniform in `0..<bound` (`bound` > 0), without modulo bias.
    public mutating func nextIndex(below bound: Int) -> Int {
        let n = UInt64(bound)
        var product = next().multipliedFullWidth(by: n)
        if product.low < n {
            let threshold = (0 &- n) % n
            while product.low < threshold { product = next().multipliedFullWidth(by: n) }
        }
        return Int(product.high)
    }

    /// Fisher–Yates shuffle in place (from the last position down).
    public mutating func shuffle(_ values: inout [Int]) {
        var i = values.count - 1
        while i > 0 {
            let j = nextIndex(below: i + 1)
            values.swapAt(i, j)
            i -= 1
        }
    }
}
