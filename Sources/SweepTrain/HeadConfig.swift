/// The shape of a classification head on top of trunk features, as the notebook's `_create_head`:
/// `depth` blocks of Linear -> BatchNorm1d -> ReLU -> Dropout(p), each halving the width
/// (2048 -> 1024 -> 512 ...) unless `widths` gives them, then Linear -> `classes`. `depth` 0 is a
/// linear probe; `dropout` 0 leaves the Dropout layers out (as the notebook does), which shifts
/// the `nn.Sequential` indices.
public struct HeadConfig: Codable, Sendable, Equatable, Hashable {
    /// Features per sample (2048 for ResNet50).
    public var inputWidth: Int
    /// Output columns (one logit per class).
    public var classes: Int
    /// Number of hidden blocks.
    public var depth: Int
    /// The hidden blocks' widths when they are not the halving ones (then `depth == widths.count`).
    public var widths: [Int]?
    /// Dropout probability of the hidden blocks, in [0, 1).
    public var dropout: Double

    /// A head configuration (checked by `validate()`); `widths`, when given, sets `depth`.
    public init(inputWidth: Int, classes: Int, depth: Int, dropout: Double, widths: [Int]? = nil) {
        self.inputWidth = inputWidth
        self.classes = classes
        self.depth = widths?.count ?? depth
        self.widths = widths
        self.dropout = dropout
    }

    /// Output width of each hidden block: `widths`, else `inputWidth / 2^(i+1)`.
    public var hiddenWidths: [Int] { widths ?? (0..<max(0, depth)).map { inputWidth >> ($0 + 1) } }

    /// Input and output width of every Linear layer, first to last.
    public var linearShapes: [(inWidth: Int, outWidth: Int)] {
        let widths = [inputWidth] + hiddenWidths + [classes]
        return (0..<widths.count - 1).map { (widths[$0], widths[$0 + 1]) }
    }

    /// Layers per hidden block in `nn.Sequential`: Linear, BatchNorm1d, ReLU (and Dropout).
    public var layersPerBlock: Int { dropout > 0 ? 4 : 3 }

    /// `nn.Sequential` index of the Linear of block `i` (`i == depth` is the output layer).
    public func linearIndex(block i: Int) -> Int { i * layersPerBlock }

    /// `nn.Sequential` index of the BatchNorm1d of block `i`.
    public func normIndex(block i: Int) -> Int { i * layersPerBlock + 1 }

    /// Trainable parameters (Linear weights and biases, BatchNorm weights and biases); the
    /// notebook's head (2048 features, depth 2, 5 classes) has 2,628,613.
    public var parameterCount: Int {
        let linear = linearShapes.reduce(0) { $0 + $1.inWidth * $1.outWidth + $1.outWidth }
        return linear + hiddenWidths.reduce(0) { $0 + 2 * $1 }
    }

    /// The `nn.Sequential` modules in index order, as PyTorch prints them
    /// (`Linear(in_features=2048, out_features=1024, bias=True)`, `BatchNorm1d(1024, ...)`, ...).
    public var pytorchModules: [String] {
        var modules: [String] = []
        let shapes = linearShapes
        for (i, shape) in shapes.enumerated() {
            modules.append("Linear(in_features=\(shape.inWidth), out_features=\(shape.outWidth), bias=True)")
            guard i < depth else { break }
            modules.append("BatchNorm1d(\(shape.outWidth), eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)")
            modules.append("ReLU()")
            if dropout > 0 { modules.append("Dropout(p=\(dropout), inplace=False)") }
        }
        return modules
    }

    /// A Python expression building the same `torch.nn.Sequential` (with `nn` = `torch.nn`), whose
    /// `state_dict()` keys are those of the head's safetensors file.
    public var pytorchSequential: String {
        "nn.Sequential(" + pytorchModules.map { "nn." + $0 }.joined(separator: ", ") + ")"
    }

    /// Checks sizes and probabilities; the error names the property.
    public func validate() throws {
        if let widths {
            guard widths.count == depth, widths.allSatisfy({ $0 >= 1 }) else {
                throw TrainError.invalidConfig(property: "head.widths",
                    reason: "must be \(depth) widths of at least 1, got \(widths)")
            }
        }
        guard inputWidth > 0 else { throw TrainError.invalidConfig(property: "head.input_width", reason: "must be positive, got \(inputWidth)") }
        guard classes > 0 else { throw TrainError.invalidConfig(property: "head.classes", reason: "must be positive, got \(classes)") }
        guard depth >= 0 else { throw TrainError.invalidConfig(property: "head.depth", reason: "must be 0 or more, got \(depth)") }
        guard widths != nil || (depth < Int.bitWidth - 1 && inputWidth >> depth >= 1) else {
            throw TrainError.invalidConfig(property: "head.depth",
                reason: "\(depth) halvings of \(inputWidth) features leave no hidden unit")
        }
        guard dropout >= 0, dropout < 1 else {
            throw TrainError.invalidConfig(property: "head.dropout", reason: "must be in [0, 1), got \(dropout)")
        }
    }
}
