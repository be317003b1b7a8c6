import Foundation
import SweepTensor

/// A small, seeded pseudo-random generator whose streams never change between Swift versions:
/// xoshiro256** (Blackman & Vigna, "Scrambled Linear Pseudorandom Number Generators", 2021,
/// https://prng.di.unimi.it/xoshiro256starstar.c), state filled by SplitMix64 (SweepTensor's
/// `splitmix64`, https://prng.di.unimi.it/splitmix64.c). The helpers below do their own range
/// reduction instead of the standard library's `random(in:using:)`, whose algorithm is not
/// promised stable.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator for `seed`; `stream` selects an independent sequence for the same seed
    /// (e.g. one per image).
    public init(seed: UInt64, stream: UInt64 = 0) {
        var x = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        s0 = splitmix64(&x); s1 = splitmix64(&x); s2 = splitmix64(&x); s3 = splitmix64(&x)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Uniform Float in [lo, hi).
    public mutating func uniformF(_ lo: Float, _ hi: Float) -> Float { Float(uniform(Double(lo), Double(hi))) }

    /// Uniform integer in 0..<n (n >= 1), by 128-bit multiply-high (bias below 2^-64 * n).
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "below(0)")
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform integer in the closed range.
    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    /// True with probability p.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Standard normal deviate (Box-Muller, one of the pair).
    public mutating func normal() -> Double {
        let u = max(unit(), 0x1.0p-60)
        let v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// Fisher-Yates shuffle of `array` in place.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, below(i + 1))
        }
    }
}
