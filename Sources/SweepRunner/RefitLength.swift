import SweepTrain

/// How long the refit of the chosen configuration trains: as long as its runs did, counted in
/// the unit its learning-rate schedule counts, so that the refit ends at the point of the
/// schedule where the runs' kept weights were taken.
///
/// The refit trains on every non-test row, more than any run's training rows, so an epoch of it
/// has more optimiser steps. With the schedule stepped per batch, the same number of epochs
/// would carry a cosine past the runs' end (with the notebook's `eta_min` above the base lr, to
/// its peak: a refit of the scene sweep tested at 0.31 F1 against its runs' 0.51), so the refit
/// takes the runs' mean optimiser step count instead and its last epoch may be partial. With the
/// schedule stepped per epoch it takes the runs' mean epoch count.
struct RefitLength: Equatable {
    /// Epochs the refit starts (the last one partial when `steps` ends inside it).
    let epochs: Int
    /// Optimiser steps in all with a per-batch schedule; nil with a per-epoch one.
    let steps: Int?

    /// One finished run: its kept epoch (0-based) and its training split's row count.
    struct Run: Equatable {
        let keptEpoch: Int
        let trainingRows: Int
    }

    /// The refit's length for `config` (the configuration's settings) trained on `refitRows`
    /// rows, from its complete `runs`; at least one epoch and at most `config.epochs`.
    static func plan(config: TrialConfig, runs: [Run], refitRows: Int) -> RefitLength {
        let limit = max(1, config.epochs)
        guard !runs.isEmpty else { return RefitLength(epochs: 1, steps: nil) }
        func mean(_ values: [Int]) -> Double { Double(values.reduce(0, +)) / Double(values.count) }
        switch config.stepping {
        case .epoch:
            let epochs = Int(mean(runs.map { $0.keptEpoch + 1 }).rounded())
            return RefitLength(epochs: min(max(1, epochs), limit), steps: nil)
        case .batch:
            let perEpoch = max(1, config.stepsPerEpoch(trainingRows: refitRows))
            let wanted = max(1, Int(mean(runs.map { ($0.keptEpoch + 1) * config.stepsPerEpoch(trainingRows: $0.trainingRows) }).rounded()))
            let epochs = min((wanted + perEpoch - 1) / perEpoch, limit)
            return RefitLength(epochs: epochs, steps: min(wanted, epochs * perEpoch))
        }
    }
}
