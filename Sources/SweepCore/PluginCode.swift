import SweepPluginAPI

/// Which plugins' code identities are part of a trial's id (`TrialConfig.id`), kept in this one
/// place so that a later split of ids (a configuration id and a run id) carries it over.
///
/// Only the user's plugins (folders under `plugins/`) count: editing one and rebuilding changes
/// its identity, so exactly the trials that use it get new ids and run again, while the others
/// keep theirs. Built-in plugins are left out: they are versioned, and checked against PyTorch
/// and scikit-learn, with sweep itself (as the trainer is), and leaving them out keeps the ids
/// of trials that use only built-ins what they were before plugin code was identified, so
/// results folders of earlier versions still resume.
extension PluginCatalog {
    /// The code identity of each user plugin `train` uses (its loss and its metrics), by plugin
    /// name; nil when it uses only built-ins (or the catalog knows no identities, e.g. in tests).
    public func userPluginCode(for train: TrainConfig) -> [String: String]? {
        var code: [String: String] = [:]
        for name in [train.loss.name] + train.metrics.map(\.name) {
            if let source = sources[name], source.origin == .user { code[name] = source.codeIdentity }
        }
        return code.isEmpty ? nil : code
    }
}
