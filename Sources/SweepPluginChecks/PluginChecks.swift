import SweepPluginAPI

/// The shared conformance suite, run on every plugin by `swift test` and by `sweep plugins check`.
///
/// Losses: construction from defaults, declared examples, gradient against central finite
/// differences (unless the plugin declares a surrogate gradient), reduction (a row-weighted
/// mean, for the value and the gradient; not for a declared whole-batch loss), row order (the
/// value, and the gradient moving with its row), finite value and gradient at large |logits|.
/// Metrics: construction, declared examples, range, invariance to row order, finite value where
/// every row and label has both classes (including tied scores).
public enum PluginChecks {
    /// Runs the suite on one loss plugin.
    public static func check(loss: any LossPlugin.Type) -> PluginCheckResult { LossChecks.run(loss) }

    /// Runs the suite on one metric plugin.
    public static func check(metric: any MetricPlugin.Type) -> PluginCheckResult { MetricChecks.run(metric) }

    /// Runs the suite on the plugins of `catalog` called `names` (every plugin when empty),
    /// losses first; an unknown name is an error listing the known ones.
    public static func check(_ catalog: PluginCatalog, names: [String] = []) throws -> [PluginCheckResult] {
        let known = Set(catalog.lossNames + catalog.metricNames)
        if let unknown = names.first(where: { !known.contains($0) }) {
            let all = (catalog.lossNames + catalog.metricNames).joined(separator: ", ")
            throw PluginError("unknown plugin '\(unknown)' (known: \(all))")
        }
        let wanted = { (name: String) in names.isEmpty || names.contains(name) }
        return catalog.losses.filter { wanted($0.name) }.map(check(loss:))
            + catalog.metrics.filter { wanted($0.name) }.map(check(metric:))
    }
}
