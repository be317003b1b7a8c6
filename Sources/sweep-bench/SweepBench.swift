import Foundation

/// The sweep end to end, through the `sweep` binary.
struct SweepBench {
    let sweep: String
    let dataPath: String
    let scratch: String

    /// `sweep run sweeps/scene.yaml` on the bench data with an empty feature cache.
    func fullScene(workers: Int) throws -> Double {
        let cache = scratch + "/scene-cache", results = scratch + "/scene-results"
        for p in [cache, results] { try? FileManager.default.removeItem(atPath: p) }
        let r = try runCommand(sweep, ["run", "sweeps/scene.yaml", "--set", "data.path=\(dataPath)",
                                       "--set", "backbone.cache=\(cache)", "--set", "workers=\(workers)",
                                       "--results", results])
        guard r.status == 0 else { throw BenchError("sweep run sweeps/scene.yaml exited with \(r.status)") }
        return r.seconds
    }

    /// 18 trials of scene.yaml (depth 2) on the cached features of `fullScene`.
    func cachedTrials(workers: Int, blasThreads: Int, tag: String) throws -> Double {
        let cache = scratch + "/scene-cache", results = scratch + "/eff-\(tag)"
        try? FileManager.default.removeItem(atPath: results)
        setenv("SWEEP_BLAS_THREADS", "\(blasThreads)", 1)
        defer { unsetenv("SWEEP_BLAS_THREADS") }
        let r = try runCommand(sweep, ["run", "sweeps/scene.yaml", "--set", "data.path=\(dataPath)",
                                       "--set", "backbone.cache=\(cache)", "--set", "workers=\(workers)",
                                       "--set", "grid.depth=[2]", "--results", results])
        guard r.status == 0 else { throw BenchError("sweep run (\(tag)) exited with \(r.status)") }
        return r.seconds
    }

    /// Peak resident memory of `sweep embed` over every image of the data set.
    func embedMemory(images: [String]) throws -> (seconds: Double, maxRSSMiB: Double) {
        let out = scratch + "/embed.npy"
        let r = try runCommand(sweep, ["embed", "--weights", "random", "--out", out] + images)
        guard r.status == 0 else { throw BenchError("sweep embed exited with \(r.status)") }
        return (r.seconds, Double(r.maxRSSKiB) / 1024)
    }
}
