import SweepCore
import XCTest

/// The `executor:` section: its keys, their checks (one located error each), its round trip
/// through the resolved sweep file, and that it never changes a trial's id.
final class ExecutorSpecTests: XCTestCase {
    func testAFullSlurmSectionIsRead() throws {
        let plan = try Support.plan("""
            name: a
            executor:
              kind: slurm
              partition: gpu-short
              time: "0-01:30:00"
              cpus_per_task: 4
              mem: 8G
              max_concurrent: 16
              extra_args: [--account=lab, --qos=short]
              shards: 10
              poll: 2.5
            """)
        let e = plan.spec.executor
        XCTAssertEqual(e.kind, .slurm)
        XCTAssertEqual(e.partition, "gpu-short")
        XCTAssertEqual(e.time, "0-01:30:00")
        XCTAssertEqual(e.cpusPerTask, 4)
        XCTAssertEqual(e.mem, "8G")
        XCTAssertEqual(e.maxConcurrent, 16)
        XCTAssertEqual(e.extraArgs, ["--account=lab", "--qos=short"])
        XCTAssertEqual(e.shards, 10)
        XCTAssertEqual(e.poll, 2.5)
    }

    func testDefaultsAreLocal() throws {
        let e = try Support.plan("name: a\n").spec.executor
        XCTAssertEqual(e, ExecutorSpec())
        XCTAssertEqual(e.kind, .local)
        XCTAssertNil(e.partition)
        XCTAssertEqual(e.cpusPerTask, 1)
        XCTAssertEqual(e.maxConcurrent, 4)
    }

    func testTheOverrideThatExecutorSlurmSets() throws {
        let plan = try Support.plan("name: a\nexecutor: {partition: p}\n", overrides: ["executor.kind=slurm"])
        XCTAssertEqual(plan.spec.executor.kind, .slurm)
        XCTAssertEqual(plan.spec.executor.partition, "p")
    }

    func testBadValuesGiveOneLocatedErrorEach() {
        let cases: [(yaml: String, line: Int, column: Int, path: String, reason: String)] = [
            ("name: a\nexecutor: {kind: slurn}\n", 2, 18, "executor.kind", "must be one of local, slurm, got 'slurn' (did you mean 'slurm'?)"),
            ("name: a\nexecutor:\n  partiton: debug\n", 3, 3, "executor.partiton", "unknown key (did you mean 'partition'?)"),
            ("name: a\nexecutor: {time: 90min}\n", 2, 18, "executor.time", "must be a Slurm time limit"),
            ("name: a\nexecutor: {cpus_per_task: 0}\n", 2, 27, "executor.cpus_per_task", "must be >= 1, got 0"),
            ("name: a\nexecutor: {mem: 8GB}\n", 2, 17, "executor.mem", "must be a memory size like 4G"),
            ("name: a\nexecutor: {max_concurrent: 0}\n", 2, 28, "executor.max_concurrent", "must be >= 1, got 0"),
            ("name: a\nexecutor: {extra_args: --qos=x}\n", 2, 24, "executor.extra_args", "must be a list"),
            ("name: a\nexecutor:\n  extra_args: [--qos=x, account]\n", 3, 25, "executor.extra_args[1]", "must be an sbatch option"),
            ("name: a\nexecutor:\n  extra_args: [--array=0-3]\n", 3, 16, "executor.extra_args[0]", "--array is set by sweep itself"),
            ("name: a\nexecutor: {poll: 0}\n", 2, 18, "executor.poll", "must be in (0, 3600], got 0"),
            ("name: a\nexecutor: {partition: \"a b\"}\n", 2, 23, "executor.partition", "must be a partition name"),
            ("name: a\nexecutor: slurm\n", 2, 11, "executor", "must be a mapping"),
        ]
        for c in cases {
            let issues = Support.issues(c.yaml)
            XCTAssertEqual(issues.count, 1, "\(c.yaml): \(issues)")
            guard let issue = issues.first else { continue }
            XCTAssertEqual(issue.keyPath, c.path, c.yaml)
            XCTAssertEqual(issue.location, .file(path: "sweeps/x.yaml", line: c.line, column: c.column), "\(c.yaml): \(issue)")
            XCTAssertTrue(issue.reason.contains(c.reason), "expected '\(c.reason)' in '\(issue)'")
        }
    }

    func testSlurmTimeFormats() {
        for good in ["30", "30:00", "1:30:00", "2-0", "2-12", "2-12:30", "2-12:30:00", "UNLIMITED"] {
            XCTAssertNoThrow(try Support.plan("name: a\nexecutor: {time: \"\(good)\"}\n"), good)
        }
        for bad in ["1h", "1:2:3:4", "-5", "2-", "x"] {
            XCTAssertEqual(Support.issues("name: a\nexecutor: {time: \"\(bad)\"}\n").first?.keyPath, "executor.time", bad)
        }
    }

    /// The resolved sweep file keeps the executor, and loading it gives the same spec and ids.
    func testTheResolvedFileRoundTripsTheExecutor() throws {
        let plan = try Support.plan("""
            name: a
            grid: {lr: [0.1, 0.01]}
            executor: {kind: slurm, time: "10:00", mem: 2G, extra_args: [--qos=short], max_concurrent: 3}
            """)
        let again = try Support.plan(try plan.spec.resolvedYAML())
        XCTAssertEqual(again.spec, plan.spec)
        XCTAssertEqual(again.trials.map(\.id), plan.trials.map(\.id))
    }

    /// Where a trial runs is not part of what it is.
    func testTheExecutorDoesNotChangeTrialIDs() throws {
        let local = try Support.plan("name: a\ngrid: {lr: [0.1, 0.01], depth: [1, 2]}\n")
        let slurm = try Support.plan("name: a\ngrid: {lr: [0.1, 0.01], depth: [1, 2]}\nexecutor: {kind: slurm, cpus_per_task: 8}\n")
        XCTAssertEqual(local.trials.map(\.id), slurm.trials.map(\.id))
        XCTAssertEqual(local.trials.map(\.config), slurm.trials.map(\.config))
    }
}
