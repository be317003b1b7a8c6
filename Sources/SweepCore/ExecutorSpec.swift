import Foundation

/// Where a sweep's trials and feature extraction run (`executor:` in a sweep file). Not part
/// of any trial's id: the same trial gives the same record on either executor.
public struct ExecutorSpec: Sendable, Hashable, Encodable {
    /// The executors.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// `workers` worker processes on this machine.
        case local
        /// Slurm jobs: a pool of worker jobs pulling trials from the results folder, feature
        /// extraction as an array of shard tasks.
        case slurm
    }

    /// Which executor.
    public var kind: Kind = .local
    /// `sbatch --partition`; nil: the cluster's default partition.
    public var partition: String?
    /// `sbatch --time` of each job (`MM`, `HH:MM:SS`, `D-HH:MM`, …); nil: the partition's default.
    public var time: String?
    /// `sbatch --cpus-per-task`, also each worker's BLAS threads.
    public var cpusPerTask: Int = 1
    /// `sbatch --mem` (`4G`, `500M`); nil: the partition's default.
    public var mem: String?
    /// Worker jobs (and extraction tasks) at once, at most.
    public var maxConcurrent: Int = 4
    /// More `sbatch` options, e.g. `[--account=lab, --qos=short]`.
    public var extraArgs: [String] = []
    /// Array tasks the feature extraction is split into; nil: `max_concurrent`.
    public var shards: Int?
    /// Seconds between two looks of the driver at the queue and the results folder.
    public var poll: Double = 5

    /// The local executor.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case kind, partition, time, mem, shards, poll
        case cpusPerTask = "cpus_per_task"
        case maxConcurrent = "max_concurrent"
        case extraArgs = "extra_args"
    }

    /// Options `sweep` sets itself; `extra_args` may not repeat them.
    public static let reservedOptions = ["--array", "--output", "--error", "--job-name", "-J", "--chdir", "-D",
                                         "--parsable", "--wrap", "--cpus-per-task", "-c", "--export", "-o", "-e", "-a"]

    /// Keys of the `executor:` mapping.
    static let keys = ["kind", "partition", "time", "cpus_per_task", "mem", "max_concurrent", "extra_args", "shards", "poll"]
}

extension SpecDecoder {
    /// Reads the `executor:` mapping.
    func decodeExecutor(_ node: SpecNode) -> ExecutorSpec {
        var executor = ExecutorSpec()
        guard let f = reader.mapping(node, "executor", allowed: ExecutorSpec.keys) else { return executor }
        if let n = f["kind"], let word = reader.choice(n, "executor.kind", ExecutorSpec.Kind.allCases.map(\.rawValue)),
           let kind = ExecutorSpec.Kind(rawValue: word) {
            executor.kind = kind
        }
        if let n = f["partition"], let p = reader.word(n, "executor.partition") {
            if p.allSatisfy({ $0.isLetter || $0.isNumber || "_-.,".contains($0) }) {
                executor.partition = p
            } else {
                reader.fail(n, "executor.partition", "must be a partition name (letters, digits, '_', '-', '.', ','), got '\(p)'")
            }
        }
        if let n = f["time"], let t = reader.word(n, "executor.time") {
            if Self.isSlurmTime(t) {
                executor.time = t
            } else {
                reader.fail(n, "executor.time", "must be a Slurm time limit (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED), got '\(t)'")
            }
        }
        if let n = f["cpus_per_task"], let c = reader.integer(n, "executor.cpus_per_task", min: 1) { executor.cpusPerTask = c }
        if let n = f["mem"], let m = reader.word(n, "executor.mem") {
            if m.range(of: #"^[0-9]+[KMGT]?$"#, options: .regularExpression) != nil {
                executor.mem = m
            } else {
                reader.fail(n, "executor.mem", "must be a memory size like 4G, 500M or 2048 (megabytes), got '\(m)'")
            }
        }
        if let n = f["max_concurrent"], let c = reader.integer(n, "executor.max_concurrent", min: 1) { executor.maxConcurrent = c }
        if let n = f["shards"], let s = reader.integer(n, "executor.shards", min: 1) { executor.shards = s }
        if let n = f["poll"],
           let x = reader.real(n, "executor.poll", lower: Bound(value: 0, inclusive: false), upper: Bound(value: 3600, inclusive: true)) {
            executor.poll = x
        }
        if let n = f["extra_args"], let items = reader.list(n, "executor.extra_args") {
            for (i, item) in items.enumerated() {
                let path = "executor.extra_args[\(i)]"
                guard let arg = reader.word(item, path) else { continue }
                let option = String(arg.split(separator: "=", maxSplits: 1).first ?? "")
                if !arg.hasPrefix("-") {
                    reader.fail(item, path, "must be an sbatch option such as --account=lab, got '\(arg)'")
                } else if ExecutorSpec.reservedOptions.contains(option) {
                    reader.fail(item, path, "\(option) is set by sweep itself (use the executor keys instead)")
                } else {
                    executor.extraArgs.append(arg)
                }
            }
        }
        return executor
    }

    /// Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, UNLIMITED.
    static func isSlurmTime(_ t: String) -> Bool {
        if ["UNLIMITED", "INFINITE"].contains(t.uppercased()) { return true }
        let pattern = #"^([0-9]+|[0-9]+:[0-9]{1,2}|[0-9]+:[0-9]{1,2}:[0-9]{1,2}|[0-9]+-[0-9]{1,2}(:[0-9]{1,2}(:[0-9]{1,2})?)?)$"#
        return t.range(of: pattern, options: .regularExpression) != nil
    }
}
