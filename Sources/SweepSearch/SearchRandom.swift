import Foundation

/// The random numbers of a search: SplitMix64 (Steele, Lea and Flood 2014, "Fast splittable
/// pseudorandom number generators") started from a hash of (seed, trial index, stream), so a
/// trial's draws depend only on those three numbers: a resumed search continues the same sequence.
public struct SearchRandom: Sendable {
    private var state: UInt64

    /// The generator of trial `index` of a search seeded `seed`; `stream` separates the uses
    /// inside one trial (random values, TPE candidates).
    public init(seed: Int, index: Int, stream: UInt64 = 0) {
        var s = UInt64(bitPattern: Int64(seed)) &* 0x9E37_79B9_7F4A_7C15
        s = SearchRandom.mix(s ^ (UInt64(bitPattern: Int64(index)) &* 0xC2B2_AE3D_27D4_EB4F))
        s = SearchRandom.mix(s ^ (stream &* 0x1656_67B1_9E37_79F9))
        state = s
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform integer in 0..<n (n >= 1), without modulo bias.
    public mutating func below(_ n: Int) -> Int {
        precondition(n >= 1)
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let r = next()
            if r < limit { return Int(r % bound) }
        }
    }

    /// A standard normal number (Box-Muller).
    public mutating func normal() -> Double {
        let u1 = 1 - uniform()  // (0, 1]
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// An index drawn with probability proportional to `weights` (non-negative, sum > 0).
    public mutating func pick(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        let u = uniform() * total
        var cumulative = 0.0
        for (i, w) in weights.enumerated() {
            cumulative += w
            if u < cumulative { return i }
        }
        return weights.lastIndex { $0 > 0 } ?? 0
    }
}
