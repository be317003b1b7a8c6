import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A job (or array task) Slurm still holds: pending, running, completing, suspended.
public struct SlurmJob: Sendable, Equatable {
    /// As squeue shows it: `123` or `123_4` for an array task (`123_[4-9]` while pending as a block).
    public var id: String
    /// The job id of the task itself (`SLURM_JOB_ID` inside it), e.g. `127` for `123_4`.
    public var rawID: String
    /// `PENDING`, `RUNNING`, `COMPLETING`, …
    public var state: String
    /// Why it waits (`Resources`, `Priority`, `ReqNodeNotAvail, …`) or `None`.
    public var reason: String
    /// Nodes it runs on (empty while pending).
    public var nodes: String

    /// A job from squeue's columns.
    public init(id: String, rawID: String, state: String, reason: String, nodes: String) {
        self.id = id
        self.rawID = rawID
        self.state = state
        self.reason = reason
        self.nodes = nodes
    }

    /// Waiting to start.
    public var isPending: Bool { state == "PENDING" || state == "CONFIGURING" || state == "REQUEUED" }
}

/// How a job ended, as Slurm tells it: `CANCELLED by 0`, `TIMEOUT`, `NODE_FAIL`, `FAILED`, …
public struct SlurmEnding: Sendable, Equatable, CustomStringConvertible {
    /// The final state, e.g. `CANCELLED`.
    public var state: String
    /// `exit code:signal`, e.g. `0:15`, when known.
    public var exitCode: String?
    /// The controller's reason when it gives one (`TimeLimit`, `NodeDown`), else nil.
    public var reason: String?
    /// Which tool said so (`sacct`, `sacct --completion`, `squeue`).
    public var source: String

    /// `CANCELLED (exit 0:15, reason TimeLimit; from sacct)`.
    public var description: String {
        let details = [exitCode.map { "exit \($0)" }, reason.map { "reason \($0)" }].compactMap { $0 } + ["from \(source)"]
        return "\(state) (\(details.joined(separator: ", ")))"
    }
}

/// A node of the cluster as `sinfo` shows it.
public struct SlurmNode: Sendable, Equatable {
    /// The node name.
    public var name: String
    /// `idle`, `mixed`, `allocated`, `drained`, `down`, …
    public var state: String
    /// Why it is drained or down, when it is.
    public var reason: String
}

/// One `sbatch` submission.
public struct SlurmSubmission: Sendable, Equatable {
    /// `--job-name`.
    public var name: String
    /// The batch script's text.
    public var script: String
    /// Array task indices `0..<tasks` (`--array`), or nil for a single job.
    public var arrayIndices: [Int]?
    /// `--output` (`%A` and `%a` expand to the array job id and task index, `%j` to the job id).
    public var output: String
    /// `--chdir`.
    public var workingDirectory: String
    /// Everything else: `--partition=…`, `--time=…`, `--cpus-per-task=…`, the user's extra_args.
    public var options: [String]
    /// Variables added to the job's environment (`--export=ALL,…`).
    public var environment: [String: String]
    /// Array tasks running at once at most (`--array=…%N`), or nil.
    public var throttle: Int?

    /// A submission of `script` named `name`.
    public init(name: String, script: String, arrayIndices: [Int]?, output: String, workingDirectory: String,
                options: [String], environment: [String: String], throttle: Int? = nil) {
        self.name = name
        self.script = script
        self.arrayIndices = arrayIndices
        self.output = output
        self.workingDirectory = workingDirectory
        self.options = options
        self.environment = environment
        self.throttle = throttle
    }

    /// The `sbatch` arguments (the script goes to its standard input).
    public var arguments: [String] {
        var args = ["--parsable", "--job-name=\(name)", "--output=\(output)", "--chdir=\(workingDirectory)"]
        if let indices = arrayIndices {
            args.append("--array=" + SlurmSubmission.ranges(indices) + (throttle.map { "%\($0)" } ?? ""))
        }
        args += options
        let exports = environment.keys.sorted().map { "\($0)=\(environment[$0] ?? "")" }
        args.append("--export=" + (["ALL"] + exports).joined(separator: ","))
        return args
    }

    /// `0-3,7,9-10`: indices as Slurm's array ranges.
    static func ranges(_ indices: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let sorted = Array(Set(indices)).sorted()
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? "\(sorted[i])" : "\(sorted[i])-\(sorted[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}

/// What the Slurm executor asks of Slurm. The real one runs Slurm's commands; the protocol lets
/// the driver's bookkeeping be tested without a cluster.
public protocol SlurmControl: Sendable {
    /// Submits a job or array; returns its job id.
    func submit(_ submission: SlurmSubmission) async throws -> String
    /// The jobs named `name` Slurm still holds (array tasks one by one). Throws when Slurm
    /// does not answer: the caller must not take silence for "no jobs".
    func jobs(named name: String) async throws -> [SlurmJob]
    /// How job `rawID` ended, when Slurm still knows.
    func ending(of rawID: String) async -> SlurmEnding?
    /// Cancels jobs (ids as squeue shows them).
    func cancel(_ ids: [String]) async throws
    /// The nodes of `partition` (nil: all).
    func nodes(partition: String?) async -> [SlurmNode]
}

/// An error from a Slurm command, with its output.
public struct SlurmError: Error, CustomStringConvertible {
    /// The command line.
    public var command: String
    /// What went wrong and what it printed.
    public var message: String
    /// `sbatch …: message`.
    public var description: String { "\(command): \(message)" }
}

/// `SlurmControl` by Slurm's own commands: `sbatch`, `squeue`, `sacct`, `scancel`, `sinfo`.
public struct SlurmCommands: SlurmControl {
    /// Extra environment for the commands (e.g. `SLURM_CONF`).
    public var environment: [String: String]

    /// The commands found on `PATH`.
    public init(environment: [String: String] = [:]) { self.environment = environment }

    /// Whether `sbatch` is on `PATH`.
    public static func available() -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/sbatch") }
    }

    /// Runs `command arguments…` with `input` on stdin; returns (status, stdout, stderr).
    func execute(_ command: String, _ arguments: [String], input: String = "") async throws -> (Int32, String, String) {
        var env: [Environment.Key: String?] = [:]
        for (k, v) in environment { if let key = Environment.Key(rawValue: k) { env[key] = v } }
        let result = try await run(.name(command), arguments: Arguments(arguments), environment: .inherit.updating(env),
                                   input: .string(input), output: .string(limit: 64 << 20), error: .string(limit: 1 << 20))
        let status: Int32
        switch result.terminationStatus {
        case .exited(let code): status = code
        case .signaled(let signal): status = 128 + signal
        }
        return (status, result.standardOutput ?? "", result.standardError ?? "")
    }

    /// `sbatch --parsable …` with the script on stdin.
    public func submit(_ submission: SlurmSubmission) async throws -> String {
        let (status, out, err) = try await execute("sbatch", submission.arguments, input: submission.script)
        let id = out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SlurmError(command: "sbatch " + submission.arguments.joined(separator: " "),
                             message: "exit \(status): " + (err + out).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return id
    }

    /// `squeue -h -r --name=NAME -u UID -o '%i|%A|%T|%r|%N'` (this user's jobs).
    public func jobs(named name: String) async throws -> [SlurmJob] {
        let args = ["-h", "-r", "--name=\(name)", "-u", "\(getuid())", "-o", "%i|%A|%T|%r|%N"]
        let (status, out, err) = try await execute("squeue", args)
        guard status == 0 else {
            throw SlurmError(command: "squeue " + args.joined(separator: " "), message: "exit \(status): \(err.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return out.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5 else { return nil }
            return SlurmJob(id: f[0], rawID: f[1], state: f[2], reason: f[3], nodes: f[4])
        }
    }

    /// From `sacct` (slurmdbd), else `sacct --completion` (jobcomp/filetxt), else `squeue -t all`
    /// (jobs the controller still remembers).
    public func ending(of rawID: String) async -> SlurmEnding? {
        let fields = ["-n", "-P", "-X", "-j", rawID]
        if let (status, out, _) = try? await execute("sacct", fields + ["-o", "State,ExitCode,Reason"]), status == 0,
           let line = out.split(separator: "\n").last {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            if let state = f.first, !state.isEmpty {
                return SlurmEnding(state: state, exitCode: f.count > 1 ? f[1] : nil,
                                   reason: f.count > 2 && f[2] != "None" && !f[2].isEmpty ? f[2] : nil, source: "sacct")
            }
        }
        if let (status, out, _) = try? await execute("sacct", ["--completion", "-n", "-P", "-j", rawID, "-o", "JobID,State,ExitCode"]),
           status == 0 {
            let lines = out.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
            if let f = lines.last(where: { $0.first == rawID }), f.count >= 2, !f[1].isEmpty {
                return SlurmEnding(state: f[1], exitCode: f.count > 2 && !f[2].isEmpty ? f[2] : nil, reason: nil,
                                   source: "sacct --completion")
            }
        }
        if let (status, out, _) = try? await execute("squeue", ["-h", "-t", "all", "-j", rawID, "-o", "%A|%T|%r"]), status == 0 {
            for line in out.split(separator: "\n") {
                let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                if f.count >= 3, f[0] == rawID {
                    return SlurmEnding(state: f[1], exitCode: nil, reason: f[2] == "None" ? nil : f[2], source: "squeue")
                }
            }
        }
        return nil
    }

    /// `scancel ID…`.
    public func cancel(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        let (status, out, err) = try await execute("scancel", ids)
        guard status == 0 else {
            throw SlurmError(command: "scancel " + ids.joined(separator: " "), message: "exit \(status): " + (err + out))
        }
    }

    /// `sinfo -h -N -o '%N|%T|%E'` (per node).
    public func nodes(partition: String?) async -> [SlurmNode] {
        let args = ["-h", "-N", "-o", "%N|%T|%E"] + (partition.map { ["-p", $0] } ?? [])
        guard let (status, out, _) = try? await execute("sinfo", args), status == 0 else { return [] }
        var seen = Set<String>()
        return out.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 3, seen.insert(f[0]).inserted else { return nil }
            return SlurmNode(name: f[0], state: f[1], reason: f[2] == "none" ? "" : f[2])
        }
    }
}
