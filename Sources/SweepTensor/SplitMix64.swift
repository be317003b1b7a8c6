// SplitMix64: Steele, Lea & Flood, "Fast Splittable Pseudorandom Number Generators" (OOPSLA 2014);
// constants and code as in Vigna's reference https://prng.di.unimi.it/splitmix64.c.

/// splitmix64's increment: the golden ratio in 64-bit fixed point (`0x9e3779b97f4a7c15`).
public let splitmix64Increment: UInt64 = 0x9E37_79B9_7F4A_7C15

/// One step of splitmix64 (`next()` of splitmix64.c): adds `splitmix64Increment` to `state`
/// and returns the new state through the 64-bit finaliser. Every seeded generator of the
/// project is built on this one function, so their streams stay bit for bit as they are.
@inlinable @inline(__always)
public func splitmix64(_ state: inout UInt64) -> UInt64 {
    state &+= splitmix64Increment
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
