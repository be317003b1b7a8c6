import Foundation

/// The whole `sweep embed` job (decode, resize, trunk, write) in fp32 and bf16, beside the same
/// job in PyTorch (`bench/torch_embed.py`) when the venv has torch.
struct EmbedBench {
    let sweep: String
    let scratch: String
    /// The Python with torch, if any.
    static let python = ProcessInfo.processInfo.environment["SWEEP_BENCH_PYTHON"] ?? "/work/venv/bin/python"

    /// What `bench/torch_embed.py` runs by default (the fastest setup measured here).
    static let torchSetup = "frozen TorchScript (optimize_for_inference), channels_last, batch 32, all cores, 1 DataLoader worker"

    /// Seconds and peak resident memory of `sweep embed` over `images`.
    func sweepEmbed(images: [String], precision: String) throws -> (seconds: Double, maxRSSMiB: Double) {
        let r = try runCommand(sweep, ["embed", "--weights", "random", "--precision", precision,
                                       "--out", scratch + "/embed-\(precision).npy"] + images)
        guard r.status == 0 else { throw BenchError("sweep embed --precision \(precision) exited with \(r.status)") }
        return (r.seconds, Double(r.maxRSSKiB) / 1024)
    }

    /// Seconds of the PyTorch job (the whole process: import, model build, decode, trunk,
    /// write), or why it was not run.
    func torchEmbed(images: [String]) throws -> Result<(process: Double, loop: Double?), BenchError> {
        let script = FileManager.default.currentDirectoryPath + "/bench/torch_embed.py"
        guard FileManager.default.isExecutableFile(atPath: Self.python),
              try runCommand(Self.python, ["-c", "import torch, torchvision"]).status == 0 else {
            return .failure(BenchError("no Python with torch and torchvision at \(Self.python) (set SWEEP_BENCH_PYTHON)"))
        }
        let list = scratch + "/torch-images.txt"
        try images.joined(separator: "\n").write(toFile: list, atomically: true, encoding: .utf8)
        let timing = scratch + "/torch-timing.txt"
        try? FileManager.default.removeItem(atPath: timing)
        let r = try runCommand(Self.python, [script, list, scratch + "/embed-torch.npy", "--timing", timing])
        guard r.status == 0 else { return .failure(BenchError("torch_embed.py exited with \(r.status)")) }
        // `images seconds setup`: the loop's seconds, PyTorch's start-up excluded.
        let fields = (try? String(contentsOfFile: timing, encoding: .utf8))?.split(separator: " ") ?? []
        return .success((r.seconds, fields.count > 1 ? Double(fields[1]) : nil))
    }
}
