/// PyTorch's CPU random permutation and `random_split`, bit for bit.
///
/// References (PyTorch source):
/// - `torch.Generator().manual_seed(s)` seeds `at::mt19937` (aten/src/ATen/core/MT19937RNGEngine.h)
///   with the low 32 bits of `s`, standard MT19937 initialisation (Matsumoto & Nishimura 1998).
/// - `torch.randperm(n, generator=g)` on CPU (aten/src/ATen/native/TensorFactories.cpp,
///   `randperm_cpu`, the path for n < 2^32 / 20): r = 0..<n; for i in 0..<n-1:
///   z = g.random() % (n - i); swap(r[i], r[i + z]) with `random()` one 32-bit MT output.
/// - `torch.utils.data.random_split(ds, [a, b], generator=g)`: indices = randperm(a + b);
///   first subset indices[0..<a], second indices[a..<a+b].
/// Checked against torch 2.15 by `Tests/Fixtures/make_split_fixtures.py`.
public enum TorchRandomSplit {
    /// The largest n for which torch takes the path reproduced here.
    public static let maximumCount = Int(UInt32.max / 20) - 1

    /// `torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()`.
    public static func randperm(_ n: Int, seed: UInt64) -> [Int] {
        precondition(n >= 0 && n <= maximumCount, "randperm: n = \(n) outside 0...\(maximumCount)")
        var mt = MersenneTwister19937(seed: UInt32(truncatingIfNeeded: seed))
        var r = Array(0..<n)
        guard n > 1 else { return r }
        for i in 0..<(n - 1) {
            let z = Int(UInt64(mt.next()) % UInt64(n - i))
            r.swapAt(i, i + z)
        }
        return r
    }

    /// The notebook's split: `split_point = int(n * fraction)`, then
    /// `random_split(ds, [n - split_point, split_point], generator=manual_seed(seed))`.
    /// Returns (train, validation) 0-based indices.
    public static func split(count n: Int, validationFraction fraction: Double, seed: UInt64) -> (train: [Int], validation: [Int]) {
        let k = validationCount(n, fraction)
        let perm = randperm(n, seed: seed)
        return (Array(perm[0..<(n - k)]), Array(perm[(n - k)...]))
    }

    /// `int(n * fraction)` as Python computes it (double product, truncated).
    public static func validationCount(_ n: Int, _ fraction: Double) -> Int {
        min(n, max(0, Int((Double(n) * fraction).rounded(.towardZero))))
    }
}

/// MT19937, the 32-bit Mersenne Twister (Matsumoto & Nishimura, ACM TOMACS 8(1), 1998), as
/// `std::mt19937` and PyTorch's `at::mt19937` compute it.
public struct MersenneTwister19937: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    /// The generator after `init_genrand(seed)`.
    public init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            let prev = state[i - 1]
            state[i] = 1_812_433_253 &* (prev ^ (prev >> 30)) &+ UInt32(i)
        }
    }

    /// The next tempered 32-bit output.
    public mutating func next() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908_B0DF : 0)
        }
        index = 0
    }
}
