import Foundation

/// The normal distribution pieces TPE's kernels need: Φ and its inverse, the log of the mass
/// of an interval, a truncated normal's log density and its sampling by inversion, as Optuna's
/// `optuna/samplers/_tpe/_truncnorm.py` (itself from SciPy) computes them, in the variables of
/// the standard normal: `a`, `b` are the truncation bounds `(low - mu) / sigma`, `(high - mu) / sigma`.
enum TruncatedNormal {
    static let logSqrt2Pi = 0.5 * log(2 * Double.pi)

    /// Φ(x), accurate in both tails.
    static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// log φ(x).
    static func logPDF(_ x: Double) -> Double { -0.5 * x * x - logSqrt2Pi }

    /// log(Φ(b) - Φ(a)) for a <= b, computed on the side where it does not cancel.
    static func logMass(_ a: Double, _ b: Double) -> Double {
        if b <= 0 { return log(cdf(b) - cdf(a)) }
        if a > 0 { return log(cdf(-a) - cdf(-b)) }
        return log1p(-cdf(a) - cdf(-b))
    }

    /// Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation, then one Halley step on erfc
    /// (full double precision).
    static func quantile(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log1p(-p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = cdf(x) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(0.5 * x * x)
        x -= u / (1 + 0.5 * x * u)
        return x
    }

    /// A standard normal truncated to [a, b] at quantile `q` in [0, 1): the inverse of its CDF,
    /// taken from the lower tail below the middle and from the upper tail above it.
    static func sample(a: Double, b: Double, q: Double) -> Double {
        if a >= 0 {  // all mass right of 0: mirror, so the inversion works in the lower tail
            return -sample(a: -b, b: -a, q: 1 - q)
        }
        let pa = cdf(a), pb = cdf(b)
        let u = pa + q * (pb - pa)
        let x: Double
        if u < 0.5 {
            x = quantile(u)
        } else {
            // 1 - u without cancellation: Φ(-b) + (1 - q)(Φ(-a) - Φ(-b))
            let qa = cdf(-a), qb = cdf(-b)
            x = -quantile(qb + (1 - q) * (qa - qb))
        }
        return min(max(x, a), b)
    }

    /// log density at `x` of N(mu, sigma²) truncated to [low, high] (all in the same units).
    static func logDensity(_ x: Double, mu: Double, sigma: Double, low: Double, high: Double) -> Double {
        if x < low || x > high { return -.infinity }
        let z = (x - mu) / sigma
        return logPDF(z) - logMass((low - mu) / sigma, (high - mu) / sigma) - log(sigma)
    }
}
