import ArgumentParser
import Foundation
import SweepCore
import SweepPluginAPI
import SweepReport
import SweepRunner
import SweepSelection

/// `sweep run FILE [--set KEY=VALUE ...] [--dry-run]`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a sweep: every trial of the grid, in parallel worker processes.",
        discussion: """
            Every key of a sweep file, with its type, default and meaning: `sweep schema`. \
            Paths in the file are relative to the folder sweep runs in, not to the file.

            Before any work, the file, the data set, the split, every loss and every metric are \
            checked (an objective undefined on the split is an error), and the loss and metric \
            plugins the sweep uses go through the shared suite (`sweep plugins check`): a failing \
            one is refused (exit 1) unless --allow-failing-plugins is given. Results go to \
            <results>/<name>/: trials.jsonl (one record per finished trial), report.html (refreshed \
            after every trial; see `sweep report`), leaderboard.csv \
            (ranked by the objective; ties go to the lower val_loss, then to the trial earlier in \
            the plan; the val_ columns and train_loss are the best epoch's, epochs are numbered from \
            0), best/ (the best head: head.safetensors and model.json), split.json and split.csv, \
            sweep.yaml (the file as it ran), ABOUT.txt. Running the same sweep again resumes it; \
            Ctrl-C keeps every finished trial.

            A trial's id includes the code identity of the user plugins (plugins/) it uses, so \
            after editing one and rebuilding, exactly the trials that use it run again. --rerun \
            runs finished trials again: --rerun failed, --rerun diverged, --rerun all, or trial \
            ids (--rerun 3fa2c1d09b7e; several values may be comma-separated or the option \
            repeated); the other finished trials are kept.

            With `executor: {kind: slurm}` (or --executor slurm) trials run as Slurm jobs and the \
            features are extracted by shard tasks; the folder must be on a file system the nodes \
            share. Ctrl-C then stops only this driver: running jobs go on, `sweep run` again adopts \
            them, `sweep status` shows them and `sweep cancel` stops them.
            """)

    @Argument(help: "The sweep file, e.g. sweeps/scene.yaml.")
    var file: String

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a key, e.g. --set train.epochs=3 --set grid.dropout=[0.1,0.5].", valueName: "KEY=VALUE"))
    var overrides: [String] = []

    @Flag(help: "Print the expanded trial plan (marking trials already finished) and exit without writing anything.")
    var dryRun = false

    @Option(help: ArgumentHelp("Folder that holds <name>/ with the results, and cache/ with the trunk features unless "
                               + "backbone.cache says otherwise.", valueName: "folder"))
    var results = "results"

    @Option(help: ArgumentHelp(
        "Run finished trials again: failed, diverged, complete, all, or trial ids (comma-separated or repeated).",
        valueName: "failed|diverged|all|ID"))
    var rerun: [String] = []

    @Flag(help: "Use plugins that fail the shared suite anyway (recorded in ABOUT.txt, context.json and the trials' records).")
    var allowFailingPlugins = false

    @Option(help: "Where trials run: local (worker processes here) or slurm (jobs on the cluster); overrides executor.kind.")
    var executor: ExecutorSpec.Kind?

    func run() async throws {
        let plan: SweepPlan
        let catalog = try CommandPlugins.catalog()
        do {
            plan = try SweepFile.load(path: file, overrides: overrides + (executor.map { ["executor.kind=\($0.rawValue)"] } ?? []),
                                      catalog: catalog, resultsRoot: results)
        } catch {
            for issue in error.issues { printError(issue.description) }
            throw ExitCode(1)
        }
        let selection: RerunSelection
        do {
            selection = try RerunSelection(rerun)
            _ = try selection.namedTrials(in: plan)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        let failures = try PluginGate.check(plan, file: file, catalog: catalog, allowFailing: allowFailingPlugins)
        if dryRun {
            try PlanChecking.report(plan, catalog: catalog)
            let store = ResultsStore(directory: results + "/" + plan.spec.name)
            let records = (try? store.loadRecords(repair: false)) ?? []
            // trials that --rerun names are planned again, as `sweep run` would
            let again = (try? selection.finishedTrialsToRerun(plan: plan, records: records)) ?? []
            let finished = records.filter { !again.contains($0.id) }.reduce(into: [String: TrialState]()) { $0[$1.id] = $1.state }
            print(plan.table(finished: finished), terminator: "")
            return
        }
        let display = StatusDisplay()
        let interrupt = InterruptSignal()
        var sweep = SweepRun(plan: plan, resultsRoot: results, executable: Self.executablePath(), display: display,
                             catalog: catalog, rerun: selection, pluginCheckFailures: failures)
        let report = LiveReport(store: sweep.store, plan: plan)
        sweep.onResults = { report.update($0) }
        let ending: SweepRun.Ending
        do {
            ending = try await sweep.run(interrupt: interrupt)
        } catch {
            display.finish()
            printError("error: \(error)")
            throw ExitCode(1)
        }
        do {
            try report.finish()
        } catch {
            printError("warning: cannot write the report \(report.path): \(error)")
        }
        Summary.print(store: sweep.store, plan: plan)
        if ending == .interrupted { throw ExitCode(130) }
    }

    /// This binary's absolute path (workers are the same binary in worker mode).
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// The end-of-run report: the top of the leaderboard and where the files are.
enum Summary {
    static func print(store: ResultsStore, plan: SweepPlan, top: Int = 5) {
        let board = Leaderboard(plan: plan)
        let records = ((try? store.loadRecords()) ?? []).filter { r in plan.trials.contains { $0.id == r.id } }
        let ranked = board.ranked(records)
        let objective = plan.spec.train.objective
        Swift.print("\n\(plan.spec.name): \(records.count)/\(plan.trials.count) trials finished, "
                    + "\(records.filter { $0.state == .complete }.count) complete, "
                    + "\(records.filter { $0.state == .diverged }.count) diverged, "
                    + "\(records.filter { $0.state == .failed }.count) failed")
        let configurations = ConfigurationBoard(plan: plan).configurations(records)
        if configurations.count < records.count {
            // several runs per configuration: the configurations' table, mean ± sd over their runs
            Swift.print("top \(min(top, configurations.count)) of \(configurations.count) configurations by mean \(objective.label) "
                        + "(\(objective.direction.rawValue)\(plan.spec.rankBy == .mean ? "" : ", ranked by \(plan.spec.rankBy.rawValue)")):")
            for (i, c) in configurations.prefix(top).enumerated() {
                let params = c.runs.first.map { SweepRecorder.parameters($0, board) } ?? ""
                let interval = c.objective.low.flatMap { lo in c.objective.high.map { String(format: " [%.4f, %.4f]", lo, $0) } } ?? ""
                Swift.print(String(format: "%3d  %@  %@%@  %@", i + 1, c.id, c.objective.text, interval, params))
            }
        } else if !ranked.isEmpty {
            Swift.print("top \(min(top, ranked.count)) by \(objective.label) (\(objective.direction.rawValue)):")
            for (i, r) in ranked.prefix(top).enumerated() {
                let params = SweepRecorder.parameters(r, board)
                let value = r.objective.map { String(format: "%.4f", $0) } ?? "-"
                Swift.print(String(format: "%3d  %@  %@  %@  epoch %@  %@", i + 1, r.id, r.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0),
                                   value, r.bestEpoch.map(String.init) ?? "-", params))
            }
        }
        if let final = try? FinalReport.read(store.finalPath) {
            for line in final.lines { Swift.print(line) }
            Swift.print("final:       \(store.finalPath)")
        }
        Swift.print("leaderboard: \(store.leaderboardPath)  (one row per configuration; runs.csv: one per run)")
        Swift.print("trials:      \(store.trialsPath)")
        Swift.print("report:      \(store.directory)/\(LiveReport.fileName)  (sweep show \(store.directory) for the terminal)")
        if let best = store.bestTrialID { Swift.print("best model:  \(store.bestPath) -> \(best == "refit" ? "" : "checkpoints/")\(best)  (sweep predict --model \(store.bestPath) IMAGE...)") }
        if let about = try? String(contentsOfFile: store.directory + "/ABOUT.txt", encoding: .utf8) {
            Swift.print(about.split(separator: "\n").prefix(2).joined(separator: "\n"))
        }
    }
}

/// The checks of the data, split and plugins that `validate` and `run --dry-run` make before
/// anything is written (when the data set is already there).
enum PlanChecking {
    /// Prints warnings; prints errors and exits with status 1 when there are any.
    static func report(_ plan: SweepPlan, catalog: PluginCatalog) throws {
        let weights = TrunkPreparation.check(plan.spec.backbone, location: plan.locationPrefix("backbone.weights"))
        let findings: PlanCheck.Findings?
        do {
            findings = try PlanCheck.checkExisting(plan, catalog: catalog)
        } catch {
            weights.error.map { printError("error: \($0)") }
            printError("error: \(error)")
            throw ExitCode(1)
        }
        let warnings = [weights.warning].compactMap { $0 } + (findings?.warnings ?? [])
        let errors = [weights.error].compactMap { $0 } + (findings?.errors ?? [])
        for warning in warnings { printError("warning: \(warning)") }
        guard !errors.isEmpty else { return }
        for error in errors { printError("error: \(error)") }
        throw ExitCode(1)
    }
}

extension ExecutorSpec.Kind: ExpressibleByArgument {}
