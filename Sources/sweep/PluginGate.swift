import ArgumentParser
import SweepCore
import SweepPluginAPI
import SweepPluginChecks

/// The shared conformance suite run on the plugins a sweep uses, before any work: `sweep run`
/// and `sweep validate` refuse a sweep whose loss or metrics fail it, unless
/// `--allow-failing-plugins` is given (then the failures are recorded in the results).
enum PluginGate {
    /// The plugins `plan` uses, in first-use order: every trial's loss (swept loss names
    /// included) and metrics.
    static func pluginNames(_ plan: SweepPlan) -> [String] {
        var names: [String] = []
        for t in plan.trials {
            for name in [t.config.train.loss.name] + t.config.train.metrics.map(\.name) where !names.contains(name) {
                names.append(name)
            }
        }
        return names
    }

    /// Runs the suite on the plugins `plan` uses. A failing plugin is reported on stderr with
    /// the property it fails and the suite's numbers, and refused (exit status 1) unless
    /// `allowFailing`; then it is a warning.
    ///
    /// - Returns: the failures by plugin name (empty when every plugin passed), for the records.
    static func check(_ plan: SweepPlan, file: String, catalog: PluginCatalog, allowFailing: Bool) throws -> [String: [String]] {
        let results = try PluginChecks.check(catalog, names: pluginNames(plan))
        let failed = results.filter { !$0.passed }
        guard !failed.isEmpty else { return [:] }
        let names = failed.map(\.plugin)
        let count = "\(failed.count) plugin\(failed.count == 1 ? "" : "s")"
        printError("\(allowFailing ? "warning" : "error"): \(file): \(count) this sweep uses fail\(failed.count == 1 ? "s" : "") the shared suite "
                   + "(`sweep plugins check \(names.joined(separator: " "))`):")
        for r in failed { printError(r.description) }
        if !allowFailing {
            printError("refusing to start: fix the plugin and rebuild, or pass --allow-failing-plugins to use it anyway "
                       + "(recorded in ABOUT.txt, context.json and the record of every trial that uses it)")
            throw ExitCode(1)
        }
        printError("--allow-failing-plugins: using \(names.joined(separator: ", ")) anyway; recorded in the results")
        var failures: [String: [String]] = [:]
        for r in failed { failures[r.plugin] = r.failures.map { "\(r.kind.rawValue) \(r.plugin): \($0)" } }
        return failures
    }
}
