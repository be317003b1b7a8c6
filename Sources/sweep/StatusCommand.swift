import ArgumentParser
import Foundation
import SweepCore
import SweepData
import SweepRunner

/// `sweep status results/<name>`: where a sweep stands, without starting or changing anything.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a sweep's progress: finished trials, the best so far, what runs now (local or on Slurm).",
        discussion: "Reads results/<name>/ and, for a Slurm sweep, squeue; changes nothing.")

    @Argument(help: "The sweep's results folder, e.g. results/scene.")
    var folder: String

    func run() async throws {
        let store = ResultsStore(directory: folder)
        guard FileManager.default.fileExists(atPath: folder) else {
            printError("error: \(folder): no such results folder")
            throw ExitCode(1)
        }
        let records: [TrialRecord]
        do { records = try store.loadRecords(repair: false) } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        let plan = try? SweepFile.load(path: store.specPath, catalog: try CommandPlugins.catalog())
        let name = plan?.spec.name ?? URL(fileURLWithPath: folder).lastPathComponent
        let total = plan.map { "\($0.trials.count)" } ?? "?"
        let count = { (s: TrialState) in records.filter { $0.state == s }.count }
        print("\(name): \(records.count)/\(total) trials finished: \(count(.complete)) complete, \(count(.diverged)) diverged, "
              + "\(count(.failed)) failed, \(count(.pruned)) pruned")
        if let plan {
            let board = Leaderboard(plan: plan)
            if let best = board.ranked(records).first, best.state == .complete, let value = best.objective {
                print(String(format: "best: %@ %.4f, trial %@ (%@)", plan.spec.train.objective.label, value, best.id,
                             SweepRecorder.parameters(best, board)))
            }
            print("executor: \(plan.spec.executor.kind.rawValue)")
        }
        if let pid = Self.localDriver(store) {
            print("run: a sweep run (pid \(pid)) is using this folder")
        }
        let slurm = SlurmFolder(folder + "/slurm")
        if slurm.exists {
            for line in await SlurmSweepState.read(slurm, control: SlurmCommands()).lines { print(line) }
        }
    }

    /// The pid of the `sweep run` holding the folder's lock, if one does.
    static func localDriver(_ store: ResultsStore) -> Int32? {
        guard FileManager.default.fileExists(atPath: store.lockPath), let lock = try? FileLock(path: store.lockPath) else { return nil }
        if (try? lock.tryLock()) == true {
            lock.unlock()
            return nil
        }
        return FileLock.holder(of: store.lockPath) ?? -1
    }
}

/// `sweep cancel results/<name>`: stops a running sweep: its Slurm jobs, or the local `sweep run`.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Stop a sweep: cancel its Slurm jobs (and its driver), or interrupt the local sweep run.",
        discussion: "Finished trials are kept; `sweep run` on the same file resumes the sweep. Attempts the cancel "
            + "cut short run again and do not count as retries.")

    @Argument(help: "The sweep's results folder, e.g. results/scene.")
    var folder: String

    @Option(name: .customLong("trial"), help: ArgumentHelp(
        "Stop only this trial of a Slurm sweep (repeatable); it is recorded failed with the reason 'stopped'.",
        valueName: "ID"))
    var trials: [String] = []

    func run() async throws {
        guard FileManager.default.fileExists(atPath: folder) else {
            printError("error: \(folder): no such results folder")
            throw ExitCode(1)
        }
        let slurm = SlurmFolder(folder + "/slurm")
        if !trials.isEmpty {
            guard slurm.exists else {
                printError("error: \(folder): --trial stops trials of a Slurm sweep; this one runs locally (cancel it whole)")
                throw ExitCode(1)
            }
            for id in trials {
                try slurm.requestStop(id, reason: "cancelled with sweep cancel --trial")
                print("asked trial \(id) to stop (its worker ends it after the current epoch; the driver records it)")
            }
            return
        }
        var did = false
        if slurm.exists {
            do {
                for line in try await SlurmSweepState.cancel(slurm, control: SlurmCommands()) { print(line) }
                did = true
            } catch {
                printError("error: \(error)")
                throw ExitCode(1)
            }
        }
        if let pid = StatusCommand.localDriver(ResultsStore(directory: folder)), pid > 0, !slurm.exists {
            kill(pid, SIGINT)
            print("sent SIGINT to the sweep run (pid \(pid)); it stops its workers and keeps every finished trial")
            did = true
        }
        if !did { print("nothing to cancel: no sweep run or Slurm job is using \(folder)") }
    }
}
