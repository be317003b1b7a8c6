/// A configuration's runs: every repeat (its own seed) of every fold, in plan order (repeat, then
/// fold), repeat 0 without folds keeping the configuration's id (`RunIdentity`).
extension SweepSpec {
    /// The runs of `configuration` (a trial at the sweep's seed, as `SweepPlan.makeTrial` gives
    /// it), with plan indices from `firstIndex`.
    public func runs(of configuration: Trial, firstIndex: Int) -> [Trial] {
        let folds = data.folds > 1 ? (0..<data.folds).map { Optional($0) } : [nil]
        var out: [Trial] = []
        for r in 0..<max(1, repeats) {
            var run = configuration.config
            run.seed = RunIdentity.seed(base: seed, repeat: r)
            for fold in folds {
                out.append(Trial(id: RunIdentity.id(configuration: configuration.configID, repeat: r, fold: fold, folds: data.folds),
                                 index: firstIndex + out.count, parameters: configuration.parameters, config: run,
                                 configID: configuration.configID, repeat: r, fold: fold))
            }
        }
        return out
    }

    /// Runs per configuration: repeats x folds.
    public var runsPerConfiguration: Int { max(1, repeats) * (data.folds > 1 ? data.folds : 1) }
}
