// Evaluation-mode forward of the head (BatchNorm with running statistics, no dropout), in
// fixed chunks of rows so memory stays bounded for any number of samples.
import Foundation
import SweepTensor

extension Head {
    /// Rows per chunk of the evaluation forward.
    static let evaluationChunk = 256

    /// Evaluation-mode logits of `rows` samples.
    ///
    /// - Parameters:
    ///   - features: (rows, inputWidth) row-major.
    /// - Returns: (rows, classes) logits.
    public func logits(features: UnsafePointer<Float>, rows: Int) -> [Float] {
        guard rows > 0 else { return [] }
        var out = [Float](repeating: 0, count: rows * config.classes)
        let buffers = EvaluationBuffers(layout: layout, rows: Head.evaluationChunk)
        out.withUnsafeMutableBufferPointer { dst in
            guard let base = dst.baseAddress else { return }
            logits(features: features, rows: rows, into: base, buffers: buffers)
        }
        return out
    }

    /// Evaluation-mode logits of `rows` samples, in chunks of `buffers.rows` rows.
    ///
    /// - Parameters:
    ///   - features: (rows, inputWidth) row-major.
    ///   - logits: (rows, classes) output.
    func logits(features: UnsafePointer<Float>, rows: Int, into logits: UnsafeMutablePointer<Float>,
                buffers: EvaluationBuffers) {
        var start = 0
        while start < rows {
            let n = min(buffers.rows, rows - start)
            evaluate(x: features + start * config.inputWidth, rows: n,
                     logits: logits + start * config.classes, buffers: buffers)
            start += n
        }
    }

    /// Evaluation-mode probabilities of `rows` samples: sigmoid per cell (multi-label) or
    /// softmax per row (single-label), as the metrics see them.
    ///
    /// - Parameters:
    ///   - features: (rows, inputWidth) row-major.
    /// - Returns: (rows, classes) probabilities in Double.
    public func probabilities(features: UnsafePointer<Float>, rows: Int, activation: ScoreActivation = .sigmoid) -> [Double] {
        let z = logits(features: features, rows: rows)   // (rows, classes)
        return z.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return [] }
            return EpochScores.scores(base, rows: rows, classes: config.classes, activation: activation)
        }
    }

    /// Evaluation-mode forward of at most `buffers.rows` contiguous rows.
    ///
    /// - Parameters:
    ///   - x: (rows, inputWidth).
    ///   - logits: (rows, classes) output.
    func evaluate(x: UnsafePointer<Float>, rows: Int, logits: UnsafeMutablePointer<Float>,
                  buffers: EvaluationBuffers) {
        let p = parameters.pointer, s = statistics.pointer
        let z = buffers.linearOut.pointer, a = buffers.blockOut.pointer
        var input = x
        for (i, n) in layout.norms.enumerated() {
            let l = layout.linears[i]
            linearForward(y: z, x: input, weight: p + l.weight, bias: p + l.bias,
                          rows: rows, inWidth: l.inWidth, outWidth: l.outWidth)
            batchNormEvalForward(y: a, x: z, gamma: p + n.weight, beta: p + n.bias,
                                 runningMean: s + n.mean, runningVar: s + n.variance,
                                 scratch: buffers.scratch.pointer, rows: rows, width: n.width)
            var noDropout: SeededGenerator? = nil
            reluDropoutForward(values: a, count: rows * n.width, p: 0, generator: &noDropout)
            input = UnsafePointer(a)
        }
        guard let out = layout.linears.last else { return }
        linearForward(y: logits, x: input, weight: p + out.weight, bias: p + out.bias,
                      rows: rows, inWidth: out.inWidth, outWidth: out.outWidth)
    }
}

/// Work space of the evaluation forward for up to `rows` rows.
final class EvaluationBuffers {
    let rows: Int
    /// (rows, maxWidth) Linear output.
    let linearOut: FloatBuffer
    /// (rows, maxWidth) block output.
    let blockOut: FloatBuffer
    /// (3, maxWidth) BatchNorm work space.
    let scratch: FloatBuffer

    init(layout: HeadLayout, rows: Int) {
        self.rows = rows
        linearOut = FloatBuffer(count: rows * layout.maxWidth)
        blockOut = FloatBuffer(count: rows * layout.maxWidth)
        scratch = FloatBuffer(count: 3 * layout.maxWidth)
    }
}
