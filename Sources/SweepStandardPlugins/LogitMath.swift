import Foundation

/// Numerically stable logistic functions in Double, shared by the sigmoid-based losses.
enum LogitMath {
    /// log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)).
    @inline(__always)
    static func softplus(_ x: Double) -> Double {
        max(x, 0) + log1p(exp(-abs(x)))
    }

    /// 1 / (1 + exp(-x)), evaluated on the side where exp does not overflow.
    @inline(__always)
    static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }
}
