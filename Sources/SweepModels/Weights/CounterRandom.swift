import Foundation
import SweepTensor

/// Counter-based random numbers: value `i` of stream `s` is the `splitmix64` step from the state
/// `s + i * 0x9E3779B97F4A7C15`, i.e. splitmix64's output for `s + (i + 1) * 0x9E3779B97F4A7C15` (Steele, Lea & Flood 2014, "Fast Splittable Pseudorandom
/// Number Generators"; constants of Vigna's reference `splitmix64.c`). Any value can be computed
/// on its own, so `Tests/Fixtures/make_weight_fixtures.py` reproduces the same numbers bit for bit
/// with numpy (`splitmix64` there). Streams are named by the FNV-1a 64-bit hash of a string.
///
/// This is our generator, not PyTorch's: weights drawn from it can never equal those of
/// `torch.manual_seed(seed)` + torchvision's initialisers.
public enum CounterRandom {
    /// FNV-1a 64-bit hash of the string's UTF-8 bytes: the stream for a tensor key.
    public static func stream(_ name: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// The raw 64 bits at `index` of `stream`.
    @inline(__always)
    public static func bits(stream: UInt64, index: Int) -> UInt64 {
        var state = stream &+ UInt64(truncatingIfNeeded: index) &* splitmix64Increment
        return splitmix64(&state)
    }

    /// Uniform in [0, 1) with 24 random bits (the top ones), exactly representable as Float.
    @inline(__always)
    public static func unitFloat(stream: UInt64, index: Int) -> Float {
        Float(bits(stream: stream, index: index) >> 40) * 0x1p-24
    }

    /// Uniform in [0, 1) with 53 random bits (the top ones).
    @inline(__always)
    public static func unitDouble(stream: UInt64, index: Int) -> Double {
        Double(bits(stream: stream, index: index) >> 11) * 0x1p-53
    }

    /// A standard normal by Box-Muller from the uniforms at `2 * index` and `2 * index + 1`.
    @inline(__always)
    public static func normal(stream: UInt64, index: Int) -> Double {
        let u1 = unitDouble(stream: stream, index: 2 * index)
        let u2 = unitDouble(stream: stream, index: 2 * index + 1)
        // log1p(-u1) = log(1 - u1) is finite since u1 < 1.
        return (-2 * log1p(-u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
