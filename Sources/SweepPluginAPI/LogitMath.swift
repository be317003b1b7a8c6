// Numerically stable logistic functions on logits, the forms PyTorch uses
// (aten/src/ATen/native/Loss.cpp `binary_cross_entropy_with_logits`: max(x, 0) + log1p(exp(-|x|))).
import Foundation

/// Numerically stable sigmoid and softplus in Double, for losses and metrics working on logits:
/// none of them overflows or loses the tail for large |x| (exp is only taken of -|x|).
public enum LogitMath {
    /// softplus(x) = log(1 + exp(x)) = -log(sigmoid(-x)), as max(x, 0) + log1p(exp(-|x|)).
    @inlinable @inline(__always)
    public static func softplus(_ x: Double) -> Double {
        max(x, 0) + log1p(exp(-abs(x)))
    }

    /// sigmoid(x) = 1 / (1 + exp(-x)), evaluated on the side where exp does not overflow;
    /// sigmoid(-x) is 1 - sigmoid(x) without cancellation when sigmoid(x) is near 1.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }

    /// softplus(x) and sigmoid(x) together from a single exp(-|x|), for per-cell loops that
    /// need a loss term and its derivative (d softplus(x) / dx = sigmoid(x)).
    @inlinable @inline(__always)
    public static func softplusAndSigmoid(_ x: Double) -> (softplus: Double, sigmoid: Double) {
        let e = exp(-abs(x))
        return (max(x, 0) + log1p(e), x >= 0 ? 1 / (1 + e) : e / (1 + e))
    }
}
