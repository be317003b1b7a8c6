// Student's t distribution: the CDF through the regularized incomplete beta function
// I_x(a, b), evaluated by its continued fraction with the modified Lentz method (Press et al.,
// Numerical Recipes, 3rd ed., 2007, section 6.4, `betacf`/`betai`), and the quantile by
// bisection on the CDF (monotone, so it converges to the last bit). Checked against
// scipy.stats.t.ppf in SelectionTests.
import Foundation

/// Student's t distribution with `df` degrees of freedom.
public enum StudentT {
    /// P(T <= t) for T ~ t(df), df > 0.
    public static func cdf(_ t: Double, df: Double) -> Double {
        guard t.isFinite else { return t > 0 ? 1 : 0 }
        let x = df / (df + t * t)
        let tail = 0.5 * regularizedBeta(x, a: df / 2, b: 0.5)   // P(T > |t|)
        return t > 0 ? 1 - tail : tail
    }

    /// The t with P(T <= t) = p, for p in (0, 1).
    public static func quantile(_ p: Double, df: Double) -> Double {
        guard p > 0, p < 1, df > 0 else { return .nan }
        if p == 0.5 { return 0 }
        var lo = -1.0, hi = 1.0
        while cdf(lo, df: df) > p { lo *= 2 }
        while cdf(hi, df: df) < p { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid == lo || mid == hi { break }
            if cdf(mid, df: df) < p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// I_x(a, b), the regularized incomplete beta function, for x in [0, 1].
    static func regularizedBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let lnPowers: Double = a * log(x) + b * log(1 - x)
        let lnFront = lnBeta + lnPowers
        let front = exp(lnFront)
        // the continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise
        if x < (a + 1) / (a + b + 2) { return front * continuedFraction(x, a: a, b: b) / a }
        return 1 - front * continuedFraction(1 - x, a: b, b: a) / b
    }

    /// The continued fraction of I_x(a, b) (Numerical Recipes `betacf`), modified Lentz.
    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300, eps = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < eps { break }
        }
        return h
    }
}

/// Count, mean, sample standard deviation and 95% t interval of a list of numbers (what
/// pandas' `mean`, `std` (ddof=1) and `scipy.stats.t.interval(0.95, n - 1, mean, sd / sqrt(n))` give).
public struct Summary: Sendable, Equatable, Codable {
    /// How many values (non-finite ones are left out, as pandas skips NaN).
    public var n: Int
    /// Their mean; nil when there are none.
    public var mean: Double?
    /// Their standard deviation with ddof = 1; nil for fewer than 2.
    public var sd: Double?
    /// The 95% t interval of the mean; nil for fewer than 2.
    public var low: Double?
    /// Its upper end.
    public var high: Double?

    /// The summary of `values`' finite members.
    public init(_ values: [Double], confidence: Double = 0.95) {
        let x = values.filter(\.isFinite)
        n = x.count
        guard !x.isEmpty else { return }
        let m = x.reduce(0, +) / Double(x.count)
        mean = m
        guard x.count > 1 else { return }
        let s = (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count - 1)).squareRoot()
        sd = s
        let half = StudentT.quantile(0.5 + confidence / 2, df: Double(x.count - 1)) * s / Double(x.count).squareRoot()
        low = m - half
        high = m + half
    }

    /// `0.8123 ± 0.0123 (n 3)`, or `0.8123 (n 1)`, or `-` without values.
    public var text: String {
        guard let mean else { return "-" }
        return String(format: "%.4f", mean) + (sd.map { String(format: " ± %.4f", $0) } ?? "") + " (n \(n))"
    }
}
