import SweepTensor

/// The activations a training step keeps between forward and backward, for up to `capacity`
/// rows. Allocated once per trial (and again only if a larger batch arrives).
final class HeadWorkspace {
    /// Rows the buffers hold.
    let capacity: Int
    /// Per hidden block: Linear output z (capacity, width), the BatchNorm input.
    let linearOut: [FloatBuffer]
    /// Per hidden block: block output a = dropout(relu(bn(z))) (capacity, width).
    let blockOut: [FloatBuffer]
    /// Per hidden block: batch mean and inverse std (width) saved by BatchNorm.
    let saveMean: [FloatBuffer]
    let saveInvstd: [FloatBuffer]
    /// (capacity, classes) logits of the last forward pass.
    let logits: FloatBuffer
    /// (capacity, classes) d(loss)/d(logits), written by the loss.
    let logitGradient: FloatBuffer
    /// (capacity, maxWidth) two gradient buffers the backward pass alternates between.
    let gradientA: FloatBuffer
    let gradientB: FloatBuffer
    /// (3, maxWidth) BatchNorm work space.
    let scratch: FloatBuffer

    init(layout: HeadLayout, capacity: Int) {
        self.capacity = capacity
        let widths = layout.norms.map(\.width)
        linearOut = widths.map { FloatBuffer(count: capacity * $0) }
        blockOut = widths.map { FloatBuffer(count: capacity * $0) }
        saveMean = widths.map { FloatBuffer(count: $0) }
        saveInvstd = widths.map { FloatBuffer(count: $0) }
        let classes = layout.linears.last?.outWidth ?? 1
        logits = FloatBuffer(count: capacity * classes)
        logitGradient = FloatBuffer(count: capacity * classes)
        gradientA = FloatBuffer(count: capacity * layout.maxWidth)
        gradientB = FloatBuffer(count: capacity * layout.maxWidth)
        scratch = FloatBuffer(count: 3 * layout.maxWidth)
    }
}
