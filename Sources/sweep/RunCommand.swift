import ArgumentParser
import Foundation
import SweepCore
import SweepRunner

/// `sweep run FILE [--set KEY=VALUE ...] [--dry-run]`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a sweep: every trial of the grid, in parallel worker processes.",
        discussion: """
            Results go to results/<name>/: trials.jsonl (one record per finished trial), \
            leaderboard.csv, best/ (the best head by the objective), sweep.yaml, split.json, \
            ABOUT.txt. Running the same sweep again resumes it; Ctrl-C keeps every finished trial. \
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

    @Flag(help: "Print the expanded trial plan and exit without writing anything.")
    var dryRun = false

    @Option(help: "Folder that holds results/<name>/ (default: results).")
    var results = "results"

    @Option(help: "Where trials run: local (worker processes here) or slurm (jobs on the cluster); overrides executor.kind.")
    var executor: ExecutorSpec.Kind?

    func run() async throws {
        let plan: SweepPlan
        let catalog = try CommandPlugins.catalog()
        do {
            plan = try SweepFile.load(path: file, overrides: overrides + (executor.map { ["executor.kind=\($0.rawValue)"] } ?? []),
                                      catalog: catalog)
        } catch {
            for issue in error.issues { printError(issue.description) }
            throw ExitCode(1)
        }
        if dryRun {
            print(plan.table(), terminator: "")
            return
        }
        let display = StatusDisplay()
        let interrupt = InterruptSignal()
        let sweep = SweepRun(plan: plan, resultsRoot: results, executable: Self.executablePath(), display: display)
        let ending: SweepRun.Ending
        do {
            ending = try await sweep.run(interrupt: interrupt)
        } catch {
            display.finish()
            printError("error: \(error)")
            throw ExitCode(1)
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
        let board = Leaderboard(spec: plan.spec)
        let records = ((try? store.loadRecords()) ?? []).filter { r in plan.trials.contains { $0.id == r.id } }
        let ranked = board.ranked(records)
        let objective = plan.spec.train.objective
        Swift.print("\n\(plan.spec.name): \(records.count)/\(plan.trials.count) trials finished, "
                    + "\(records.filter { $0.state == .complete }.count) complete, "
                    + "\(records.filter { $0.state == .diverged }.count) diverged, "
                    + "\(records.filter { $0.state == .failed }.count) failed")
        if !ranked.isEmpty {
            Swift.print("top \(min(top, ranked.count)) by \(objective.label) (\(objective.direction.rawValue)):")
            for (i, r) in ranked.prefix(top).enumerated() {
                let params = SweepRecorder.parameters(r, board)
                let value = r.objective.map { String(format: "%.4f", $0) } ?? "-"
                Swift.print(String(format: "%3d  %@  %@  %@  epoch %@  %@", i + 1, r.id, r.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0),
                                   value, r.bestEpoch.map(String.init) ?? "-", params))
            }
        }
        Swift.print("leaderboard: \(store.leaderboardPath)")
        Swift.print("trials:      \(store.trialsPath)")
        if let best = store.bestTrialID { Swift.print("best model:  \(store.bestPath) -> checkpoints/\(best)  (sweep predict --model \(store.bestPath) IMAGE...)") }
        if let about = try? String(contentsOfFile: store.directory + "/ABOUT.txt", encoding: .utf8) {
            Swift.print(about.split(separator: "\n").prefix(2).joined(separator: "\n"))
        }
    }
}

extension ExecutorSpec.Kind: ExpressibleByArgument {}
