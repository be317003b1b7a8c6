/// Where each tensor of a head lives in its flat buffers.
///
/// Parameters are stored back to back in PyTorch's `parameters()` order (per block: Linear
/// weight, Linear bias, BatchNorm weight, BatchNorm bias; then the output Linear), so the
/// optimiser runs over one contiguous buffer (as llm.c does). Running statistics live in a
/// second buffer (per BatchNorm: running_mean, running_var).
struct HeadLayout: Sendable {
    /// One Linear layer: `nn.Sequential` index, widths and offsets into the parameter buffer.
    struct Linear: Sendable {
        let index: Int
        let inWidth: Int
        let outWidth: Int
        /// Offset of the (outWidth, inWidth) weight.
        let weight: Int
        /// Offset of the (outWidth) bias.
        let bias: Int
    }

    /// One BatchNorm1d layer: `nn.Sequential` index, width and offsets.
    struct Norm: Sendable {
        let index: Int
        let width: Int
        /// Offsets of the (width) weight and bias in the parameter buffer.
        let weight: Int
        let bias: Int
        /// Offsets of the (width) running mean and variance in the statistics buffer.
        let mean: Int
        let variance: Int
    }

    /// `depth + 1` Linear layers, the last one producing the logits.
    let linears: [Linear]
    /// `depth` BatchNorm1d layers (block i's follows `linears[i]`).
    let norms: [Norm]
    /// Values in the parameter buffer.
    let parameterCount: Int
    /// Values in the statistics buffer.
    let statisticsCount: Int
    /// Widest activation (hidden widths and classes).
    let maxWidth: Int

    init(_ config: HeadConfig) {
        var linears: [Linear] = []
        var norms: [Norm] = []
        var offset = 0, statOffset = 0
        let shapes = config.linearShapes
        for (i, shape) in shapes.enumerated() {
            let weight = offset
            offset += shape.inWidth * shape.outWidth
            let bias = offset
            offset += shape.outWidth
            linears.append(Linear(index: config.linearIndex(block: i), inWidth: shape.inWidth,
                                  outWidth: shape.outWidth, weight: weight, bias: bias))
            if i < config.depth {
                let w = shape.outWidth
                norms.append(Norm(index: config.normIndex(block: i), width: w, weight: offset,
                                  bias: offset + w, mean: statOffset, variance: statOffset + w))
                offset += 2 * w
                statOffset += 2 * w
            }
        }
        self.linears = linears
        self.norms = norms
        parameterCount = offset
        statisticsCount = statOffset
        maxWidth = shapes.map(\.outWidth).max() ?? config.classes
    }

    /// Every parameter tensor: its state-dict key, shape and offset, in `parameters()` order.
    var parameterEntries: [(key: String, shape: [Int], offset: Int)] {
        var entries: [(key: String, shape: [Int], offset: Int)] = []
        for (i, l) in linears.enumerated() {
            entries.append(("\(l.index).weight", [l.outWidth, l.inWidth], l.weight))
            entries.append(("\(l.index).bias", [l.outWidth], l.bias))
            if i < norms.count {
                let n = norms[i]
                entries.append(("\(n.index).weight", [n.width], n.weight))
                entries.append(("\(n.index).bias", [n.width], n.bias))
            }
        }
        return entries
    }

    /// Every running-statistics tensor: key, shape and offset in the statistics buffer.
    var statisticsEntries: [(key: String, shape: [Int], offset: Int)] {
        norms.flatMap { n in
            [("\(n.index).running_mean", [n.width], n.mean), ("\(n.index).running_var", [n.width], n.variance)]
        }
    }
}
