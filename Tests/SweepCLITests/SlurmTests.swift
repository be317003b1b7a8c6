import Foundation
import XCTest

/// `sweep run` with `executor: slurm` on a real one-node Slurm cluster (slurmctld, slurmd and
/// munged on this machine, started by `Tests/slurm/cluster-up.sh`; `make test` runs these tests
/// alone, after starting it, since they drain the node and count its jobs). No mocks: the
/// driver submits real jobs, squeue/sacct/scancel are Slurm's own.
final class SlurmTests: CLITestCase {
    /// `{kind: slurm, …}`: one CPU per worker job (one BLAS thread, as two local workers on two cores).
    static let executor = "{kind: slurm, cpus_per_task: 1, max_concurrent: 2, poll: 0.5}"

    override func setUpWithError() throws {
        try super.setUpWithError()
        let (status, out) = Self.shell(["sinfo", "-h", "-o", "%T"])
        guard status == 0, !out.isEmpty else { throw NoCluster(description: "no Slurm cluster answers (sinfo: exit \(status) \(out)); "
            + "start it with Tests/slurm/cluster-up.sh (make test does)") }
    }

    struct NoCluster: Error, CustomStringConvertible { var description: String }

    /// Runs a command; returns its status and stdout+stderr.
    static func shell(_ arguments: [String]) -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The claims of the sweep's queue folder: (trial id, Slurm job) of each.
    func claims(_ name: String) -> [(id: String, job: String)] {
        let dir = resultsFolder(name).appendingPathComponent("slurm/claims")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted().compactMap { file in
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(file).path),
                  let claim = try? JSONDecoder().decode([String: JSONValue].self, from: data),
                  let job = claim["job"]?.string else { return nil }
            return (String(file.split(separator: ".")[0]), job)
        }
    }

    /// Epochs an attempt has reported (its progress file).
    func epochsDone(_ name: String, _ id: String, attempt: Int = 1) -> Int {
        let path = resultsFolder(name).appendingPathComponent("slurm/progress/\(id).\(attempt).json").path
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return (try? JSONDecoder().decode([String].self, from: data))?.count ?? 0
    }

    /// This sweep's jobs Slurm still holds (`squeue` by the driver's job name prefix).
    func jobsOf(_ name: String) -> [String] {
        Self.shell(["squeue", "-h", "-r", "-o", "%i %j"]).1.split(separator: "\n")
            .filter { $0.contains(" sweep-\(name)-") }.map { String($0.split(separator: " ")[0]) }
    }

    func testASlurmSweepGivesTheSameRecordsAsTheSameSweepRunLocally() throws {
        var file = sweepFile("same")
        file.epochs = 3
        file.grid = [("lr", "[0.0001, 0.01]"), ("depth", "[1, 2]")]
        let localFile = try write(file, to: "local.yaml")
        file.executor = Self.executor
        let slurmFile = try write(file, to: "slurm.yaml")
        assertExit(try run(["run", localFile, "--results", "local"]), 0, "local run")
        let slurm = try run(["run", slurmFile, "--results", "cluster"], timeout: 300)
        assertExit(slurm, 0, "slurm run")
        XCTAssertTrue(slurm.stderr.contains("on Slurm"), slurm.stderr)
        XCTAssertTrue(slurm.stderr.contains("slurm: submitted job"), slurm.stderr)

        let local = try TrialsFile.read(resultsFolder("same", results: "local"))
        let cluster = try TrialsFile.read(resultsFolder("same", results: "cluster"))
        XCTAssertEqual(local.records.count, 4)
        XCTAssertEqual(Set(cluster.ids), Set(local.ids))
        for record in local.records {
            XCTAssertEqual(cluster.record(record.id)?.reproducible, record.reproducible, "trial \(record.id) differs")
        }
        XCTAssertEqual(try LeaderboardFile.read(resultsFolder("same", results: "cluster")).rowsWithoutSeconds,
                       try LeaderboardFile.read(resultsFolder("same", results: "local")).rowsWithoutSeconds)
        // Every record's worker was a Slurm task (its pid is not one of the driver's children).
        XCTAssertTrue(cluster.records.allSatisfy { $0.workerPID != nil })
        let queue = resultsFolder("same", results: "cluster").appendingPathComponent("slurm")
        for dir in ["queue", "claims", "outcomes"] {
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: queue.appendingPathComponent(dir).path), [],
                           "\(dir)/ is cleaned up once the records are written")
        }
    }

    func testAScancelledTaskIsRetriedAndTheSweepCompletes() throws {
        var file = sweepFile("scancel")
        file.epochs = 150
        file.depth = 2
        file.grid = [("lr", "[0.0001, 0.001]")]
        file.executor = Self.executor
        let sweep = try write(file, to: "scancel.yaml")
        let planned = try plannedIDs(sweep)
        let driver = try start(["run", sweep])
        var victim: (id: String, job: String)?
        _ = waitUntil(timeout: 240) {
            victim = claims("scancel").first { epochsDone("scancel", $0.id) >= 1 }
            return victim != nil || !driver.isRunning
        }
        guard let victim else { return XCTFail("no trial was seen training: \(try driver.wait(timeout: 60).stderr)") }
        let (status, out) = Self.shell(["scancel", victim.job])
        XCTAssertEqual(status, 0, out)
        let outcome = try driver.wait(timeout: 300)
        assertExit(outcome, 0, "sweep run after scancel")
        XCTAssertTrue(outcome.stderr.contains("trial \(victim.id) attempt 1 failed: Slurm job \(victim.job)"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("CANCELLED"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("retrying"), outcome.stderr)
        let trials = try TrialsFile.read(resultsFolder("scancel"))
        XCTAssertEqual(trials.ids.sorted(), planned.sorted(), "every trial exactly once")
        XCTAssertEqual(trials.records.map(\.state), ["complete", "complete"])
        XCTAssertEqual(trials.record(victim.id)?.attempts, 2, "the cancelled trial ran again")
        XCTAssertEqual(trials.records.filter { $0.attempts == 1 }.count, 1)
    }

    /// SIGKILL of the driver mid-sweep: its jobs go on; a new `sweep run` adopts them, collects
    /// what they finished meanwhile, and ends with every trial recorded once, none rerun.
    func testAKilledDriverIsReplacedAndAdoptsTheRunningJobs() throws {
        var file = sweepFile("driver")
        file.epochs = 120
        file.depth = 2
        file.grid = [("lr", "[0.0001, 0.001, 0.01, 0.1]")]
        file.executor = Self.executor
        let sweep = try write(file, to: "driver.yaml")
        let planned = try plannedIDs(sweep)
        let folder = resultsFolder("driver")
        let first = try start(["run", sweep])
        _ = waitUntil(timeout: 240) {
            let recorded = ((try? TrialsFile.read(folder))?.records.count ?? 0) >= 1
            return (recorded && claims("driver").contains { epochsDone("driver", $0.id) >= 1 }) || !first.isRunning
        }
        XCTAssertTrue(first.isRunning, "the sweep ended before the driver could be killed: \(first.stderrSoFar)")
        first.send(SIGKILL)
        _ = try? first.wait(timeout: 30)
        let before = try TrialsFile.read(folder)
        XCTAssertLessThan(before.records.count, planned.count)
        let survivors = jobsOf("driver")
        XCTAssertFalse(survivors.isEmpty, "the driver's death took its jobs with it")

        let second = try run(["run", sweep], timeout: 300)
        assertExit(second, 0, "the second driver")
        XCTAssertTrue(second.stderr.contains("adopted"), second.stderr)
        let after = try TrialsFile.read(folder)
        XCTAssertEqual(after.ids.sorted(), planned.sorted(), "every trial exactly once")
        XCTAssertTrue(after.raw.starts(with: before.raw), "records written before the kill are kept byte for byte")
        XCTAssertEqual(after.records.map(\.state), Array(repeating: "complete", count: 4))
        XCTAssertEqual(after.records.map(\.attempts), [1, 1, 1, 1], "adopted jobs are not run again")
        XCTAssertEqual(jobsOf("driver"), [], "the finished sweep leaves no job behind")
    }

    /// A drained node: the jobs wait, and the driver says so (with Slurm's reason and the node's
    /// state); once the node is back the sweep completes.
    func testADrainedNodeMakesTheSweepWaitAndSayWhy() throws {
        let node = Self.shell(["sinfo", "-h", "-N", "-o", "%N"]).1.split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertFalse(node.isEmpty)
        XCTAssertEqual(Self.shell(["scontrol", "update", "nodename=\(node)", "state=drain", "reason=sweep-drain-test"]).0, 0)
        var resumed = false
        defer { if !resumed { _ = Self.shell(["scontrol", "update", "nodename=\(node)", "state=resume"]) } }
        var file = sweepFile("drained")
        file.grid = [("lr", "[0.0001, 0.01]")]
        file.executor = Self.executor
        let sweep = try write(file, to: "drained.yaml")
        let driver = try start(["run", sweep])
        XCTAssertTrue(waitUntil(timeout: 120) { driver.stderrSoFar.contains("slurm: waiting:") || !driver.isRunning },
                      driver.stderrSoFar)
        let said = driver.stderrSoFar
        XCTAssertTrue(said.contains("pending in Slurm"), said)
        XCTAssertTrue(said.contains("\(node) drain"), "the node's state is named: \(said)")
        XCTAssertTrue(said.contains("sweep-drain-test"), "the drain reason is named: \(said)")
        XCTAssertEqual((try? TrialsFile.read(resultsFolder("drained")))?.records.count ?? 0, 0, "nothing ran on a drained node")
        let status = try run(["status", resultsFolder("drained").path])
        assertExit(status, 0, "sweep status")
        XCTAssertTrue(status.stdout.contains("2 waiting"), status.stdout)
        XCTAssertTrue(status.stdout.contains("pending"), status.stdout)
        XCTAssertEqual(Self.shell(["scontrol", "update", "nodename=\(node)", "state=resume"]).0, 0)
        resumed = true
        let outcome = try driver.wait(timeout: 300)
        assertExit(outcome, 0, "sweep run after the node came back")
        XCTAssertEqual(try TrialsFile.read(resultsFolder("drained")).records.map(\.state), ["complete", "complete"])
    }

    /// Features extracted by 4 shard tasks (one of them cancelled while it waits, and resubmitted)
    /// are the same bytes as a local extraction's, and no trial starts before they are complete.
    func testShardedExtractionGivesTheCacheOfALocalExtraction() throws {
        let data = work.appendingPathComponent("data32").path
        assertExit(try run(["data", "synth", data, "--images", "32", "--seed", "3"]), 0, "data synth")
        var file = SweepFileText(name: "shards", dataPath: data, cachePath: work.appendingPathComponent("cache-local").path)
        file.epochs = 1
        file.grid = [("lr", "[0.001]")]
        assertExit(try run(["run", try write(file, to: "local.yaml"), "--results", "local"]), 0, "local extraction")
        file.cachePath = work.appendingPathComponent("cache-slurm").path
        file.executor = "{kind: slurm, cpus_per_task: 1, max_concurrent: 1, shards: 4, poll: 0.5}"
        let driver = try start(["run", try write(file, to: "slurm.yaml"), "--results", "cluster"])
        // Tasks run one at a time, so shard 3 waits; cancel it there.
        var cancelled = false
        _ = waitUntil(timeout: 120) {
            let line = Self.shell(["squeue", "-h", "-r", "-o", "%i %j %T"]).1.split(separator: "\n")
                .first { $0.contains("sweep-extract-") && $0.split(separator: " ")[0].hasSuffix("_3") }
            if let line, line.hasSuffix("PENDING") {
                cancelled = Self.shell(["scancel", String(line.split(separator: " ")[0])]).0 == 0
            }
            return cancelled || !driver.isRunning
        }
        let outcome = try driver.wait(timeout: 300)
        assertExit(outcome, 0, "sharded run")
        XCTAssertTrue(cancelled, "shard 3 was never seen waiting")
        XCTAssertTrue(outcome.stderr.contains("extracting 32 images as 4 Slurm shard task(s)"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("features: shard 3 lost"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("4/4 shard(s) done"), outcome.stderr)

        let keys = try FileManager.default.contentsOfDirectory(atPath: file.cachePath).filter { $0.count == 64 }
        XCTAssertEqual(keys.count, 1, "one finished cache folder")
        guard let key = keys.first else { return }
        let localFolder = work.appendingPathComponent("cache-local/\(key)"), slurmFolder = URL(fileURLWithPath: file.cachePath + "/\(key)")
        let localBytes = try Data(contentsOf: localFolder.appendingPathComponent("features.f32"))
        XCTAssertEqual(localBytes.count, 32 * 2048 * 4)
        XCTAssertEqual(try Data(contentsOf: slurmFolder.appendingPathComponent("features.f32")), localBytes, "features differ")
        let manifests = try [localFolder, slurmFolder].map {
            try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: $0.appendingPathComponent("manifest.json")))
        }
        XCTAssertEqual(manifests[0].removing(["created", "extractionSeconds"]), manifests[1].removing(["created", "extractionSeconds"]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: file.cachePath + "/\(key).shards"), "shards are removed once assembled")
        // The trial started after the cache was finished.
        let created = manifests[1]["created"]?.string.flatMap { ISO8601DateFormatter().date(from: $0) }
        let started = try TrialsFile.read(resultsFolder("shards", results: "cluster")).records.first?["timings"]?["start"]?.string
            .flatMap { Self.date($0) }
        if let created, let started { XCTAssertGreaterThanOrEqual(started.timeIntervalSince(created), -1) } else {
            XCTFail("no dates: \(String(describing: created)) \(String(describing: started))")
        }
    }

    /// `sweep status` shows the running jobs; `sweep cancel --trial` stops one trial (recorded
    /// failed, "stopped"); `sweep cancel` stops the driver and the jobs; `sweep run` resumes
    /// without charging the cancelled attempt as a retry.
    func testStatusCancelOfOneTrialAndCancelOfTheSweep() throws {
        var file = sweepFile("cancel")
        file.epochs = 300
        file.depth = 2
        file.grid = [("lr", "[0.0001, 0.001]")]
        file.executor = Self.executor
        let sweep = try write(file, to: "cancel.yaml")
        let folder = resultsFolder("cancel")
        let driver = try start(["run", sweep])
        _ = waitUntil(timeout: 240) { claims("cancel").filter { epochsDone("cancel", $0.id) >= 1 }.count == 2 || !driver.isRunning }
        let running = claims("cancel")
        XCTAssertEqual(running.count, 2, driver.stderrSoFar)
        guard running.count == 2 else { return }
        let status = try run(["status", folder.path])
        assertExit(status, 0, "sweep status")
        XCTAssertTrue(status.stdout.contains("0/2 trials finished"), status.stdout)
        XCTAssertTrue(status.stdout.contains("2 running"), status.stdout)
        for r in running { XCTAssertTrue(status.stdout.contains("trial \(r.id) attempt 1: job \(r.job)"), status.stdout) }

        assertExit(try run(["cancel", folder.path, "--trial", running[0].id]), 0, "cancel one trial")
        XCTAssertTrue(waitUntil(timeout: 120) { ((try? TrialsFile.read(folder))?.records.count ?? 0) == 1 }, driver.stderrSoFar)
        let stopped = try TrialsFile.read(folder).record(running[0].id)
        XCTAssertEqual(stopped?.state, "failed")
        XCTAssertEqual(stopped?["failure"]?["reason"]?.string, "stopped: cancelled with sweep cancel --trial")

        let cancel = try run(["cancel", folder.path], timeout: 120)
        assertExit(cancel, 0, "sweep cancel")
        XCTAssertTrue(cancel.stdout.contains("cancelled "), cancel.stdout)
        XCTAssertTrue(cancel.stdout.contains("1 unfinished trial attempt(s) will run again"), cancel.stdout)
        let ended = try driver.wait(timeout: 60)
        XCTAssertEqual(ended.status, 1, ended.stderr)
        XCTAssertTrue(ended.stderr.contains("the sweep was cancelled"), ended.stderr)
        XCTAssertEqual(jobsOf("cancel"), [], "no job of the sweep is left")

        let resumed = try run(["run", sweep], timeout: 300)
        assertExit(resumed, 0, "resumed run")
        let trials = try TrialsFile.read(folder)
        XCTAssertEqual(trials.records.count, 2)
        XCTAssertEqual(trials.record(running[1].id)?.state, "complete")
        XCTAssertEqual(trials.record(running[1].id)?.attempts, 1, "a cancelled attempt is not a retry")
    }

    static func date(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
