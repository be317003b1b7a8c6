/// An optimiser and its hyperparameters, with torch.optim's defaults and checks.
public struct OptimizerConfig: Codable, Sendable, Equatable, Hashable {
    /// The algorithm.
    public enum Kind: String, Codable, Sendable, Equatable, Hashable {
        /// `torch.optim.Adam` (weight decay as L2 added to the gradient).
        case adam
        /// `torch.optim.AdamW` (decoupled weight decay).
        case adamw
        /// `torch.optim.SGD` (momentum with dampening 0, optional Nesterov).
        case sgd
    }

    /// Which optimiser.
    public var kind: Kind
    /// Initial learning rate (the scheduler's base).
    public var learningRate: Double
    /// Adam's beta1 (first-moment decay).
    public var beta1: Double
    /// Adam's beta2 (second-moment decay).
    public var beta2: Double
    /// Adam's epsilon.
    public var eps: Double
    /// L2 (Adam, SGD) or decoupled (AdamW) weight decay.
    public var weightDecay: Double
    /// SGD momentum (0: plain SGD).
    public var momentum: Double
    /// SGD Nesterov momentum.
    public var nesterov: Bool

    /// A configuration; prefer `adam`, `adamW` and `sgd`.
    public init(kind: Kind, learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999,
                eps: Double = 1e-8, weightDecay: Double = 0, momentum: Double = 0, nesterov: Bool = false) {
        self.kind = kind
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.nesterov = nesterov
    }

    /// `torch.optim.Adam(lr, betas, eps, weight_decay)`.
    public static func adam(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                            eps: Double = 1e-8, weightDecay: Double = 0) -> OptimizerConfig {
        OptimizerConfig(kind: .adam, learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay)
    }

    /// `torch.optim.AdamW(lr, betas, eps, weight_decay)` (default weight decay 1e-2).
    public static func adamW(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                             eps: Double = 1e-8, weightDecay: Double = 1e-2) -> OptimizerConfig {
        OptimizerConfig(kind: .adamw, learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay)
    }

    /// `torch.optim.SGD(lr, momentum, weight_decay, nesterov)` with dampening 0.
    public static func sgd(learningRate: Double, momentum: Double = 0, nesterov: Bool = false,
                           weightDecay: Double = 0) -> OptimizerConfig {
        OptimizerConfig(kind: .sgd, learningRate: learningRate, weightDecay: weightDecay, momentum: momentum, nesterov: nesterov)
    }

    /// torch.optim's argument checks; the error names the property.
    public func validate() throws {
        func bad(_ property: String, _ reason: String) -> TrainError {
            TrainError.invalidConfig(property: "optimizer.\(property)", reason: reason)
        }
        guard learningRate.isFinite, learningRate >= 0 else { throw bad("lr", "must be a finite number >= 0, got \(learningRate)") }
        guard weightDecay.isFinite, weightDecay >= 0 else { throw bad("weight_decay", "must be >= 0, got \(weightDecay)") }
        switch kind {
        case .adam, .adamw:
            guard beta1 >= 0, beta1 < 1 else { throw bad("beta1", "must be in [0, 1), got \(beta1)") }
            guard beta2 >= 0, beta2 < 1 else { throw bad("beta2", "must be in [0, 1), got \(beta2)") }
            guard eps.isFinite, eps >= 0 else { throw bad("eps", "must be >= 0, got \(eps)") }
        case .sgd:
            guard momentum.isFinite, momentum >= 0 else { throw bad("momentum", "must be >= 0, got \(momentum)") }
            guard !nesterov || momentum > 0 else { throw bad("nesterov", "needs a momentum > 0") }
        }
    }
}
