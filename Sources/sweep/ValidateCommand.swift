import ArgumentParser
import SweepCore

/// `sweep validate FILE [--set KEY=VALUE ...]`: checks a sweep file without doing any work.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a sweep file: keys, types, ranges, plugin names and the grid.",
        discussion: """
            Prints "ok: N trials (...)" or every problem, one line each \
            (file:line:column: key.path: reason), and exits with status 1. When the data set is \
            there, also reads its labels, draws the split and checks that every loss can be built \
            and every metric is defined on it, and runs the shared plugin suite on the loss and \
            metrics the sweep uses: a failing plugin fails validation (exit 1) unless \
            --allow-failing-plugins is given. Writes nothing. Every key: `sweep schema`.
            """)

    @Argument(help: "The sweep file, e.g. sweeps/scene.yaml.")
    var file: String

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a key before validation, e.g. --set train.epochs=3 --set grid.dropout=[0.1,0.5].",
        valueName: "KEY=VALUE"))
    var overrides: [String] = []

    @Flag(help: "Report plugins that fail the shared suite as warnings instead of errors.")
    var allowFailingPlugins = false

    func run() throws {
        let catalog = try CommandPlugins.catalog()
        let plan: SweepPlan
        do {
            plan = try SweepFile.load(path: file, overrides: overrides, catalog: catalog)
        } catch {
            for issue in error.issues { printError(issue.description) }
            throw ExitCode(1)
        }
        _ = try PluginGate.check(plan, file: file, catalog: catalog, allowFailing: allowFailingPlugins)
        try PlanChecking.report(plan, catalog: catalog)
        print("ok: \(plan.summary)")
    }
}
