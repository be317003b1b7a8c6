import SweepTensor

/// The validation rows, gathered once, and their evaluation.
struct ValidationSet {
    let rows: Int
    let classes: Int
    /// (rows, D) features in validation order.
    let features: FloatBuffer
    /// (rows, C) targets as floats (for the loss) and bytes (for the metrics).
    let targets: FloatBuffer
    let targetBytes: [UInt8]
    /// (rows, C) logits of the last evaluation.
    let logits: FloatBuffer
    let buffers: EvaluationBuffers

    init(data: TrialData, head: Head) {
        rows = data.validationIndices.count
        classes = data.classes
        features = FloatBuffer(count: rows * data.features.columns)
        data.features.gather(data.validationIndices[...], into: features.pointer)
        var bytes = [UInt8](repeating: 0, count: rows * classes)
        targets = FloatBuffer(count: rows * classes)
        for (k, row) in data.validationIndices.enumerated() {
            for c in 0..<classes {
                bytes[k * classes + c] = data.targets[row * classes + c]
                targets.pointer[k * classes + c] = Float(data.targets[row * classes + c])
            }
        }
        targetBytes = bytes
        logits = FloatBuffer(count: rows * classes)
        buffers = EvaluationBuffers(layout: head.layout, rows: Head.evaluationChunk)
    }

    /// Eval-mode logits of every validation row, their loss and every metric.
    func evaluate(trainer: HeadTrainer, metrics: [NamedMetric], config: TrialConfig) -> (Double, [String: Double]) {
        trainer.head.logits(features: features.pointer, rows: rows, into: logits.pointer, buffers: buffers)
        let loss = trainer.loss(logits: logits.pointer, targets: targets.pointer, rows: rows)
        guard loss.isFinite else { return (loss, [:]) }
        return (loss, EpochScores.evaluate(metrics, logits: logits.pointer, targets: targetBytes,
                                           rows: rows, classes: classes, config: config))
    }
}
