// `make bench`: the speed and memory figures of the README, each a ratio or a figure measured
// in this one run, on this machine. Writes results/bench.md.
import Foundation
import SweepData
import SweepFeatureCache
import SweepModels
import SweepTensor

let arguments = Set(CommandLine.arguments.dropFirst())
let only: (String) -> Bool = { arguments.isEmpty || arguments.contains($0) }
let cores = ProcessInfo.processInfo.activeProcessorCount
let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let scratch = FileManager.default.currentDirectoryPath + "/results/bench"
let dataPath = scratch + "/data/miml"
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
// Experiments: bytes of patches per GEMM call in the trunk measurements' workspaces (0 = all at once).
let patchChunkBytes = ProcessInfo.processInfo.environment["SWEEP_PATCH_CHUNK"].flatMap { Int($0) }
    ?? FoldedConv.defaultPatchChunkBytes
let report = Report()
report.line("# sweep benchmarks\n")
report.line("machine: \(cores) cores; \(Date())\n")

let gemm2 = sgemmGFLOPs(threads: cores)
let gemm1 = sgemmGFLOPs(threads: 1)
report.section("Reference: 2048^3 sgemm (OpenBLAS)")
report.table(["threads", "GFLOP/s"], [["\(cores)", fmt(gemm2)], ["1", fmt(gemm1)]])

if only("trunk") || only("conv") {
    report.section("3x3 stride-1 convolutions: im2col vs Winograd (batch 8, one core; ms per pass, direct-convolution GFLOP/s)")
    let rows = try ConvBench.run()
    report.table(["stage", "shape", "im2col", "F(2x2,3x3)", "F(4x4,3x3)", "fastest", "ConvPlan.measured"], rows.map { r in
        [r.stage, "\(r.channels) ch at \(r.size)x\(r.size)"]
            + ConvAlgorithm.allCases.map { a in
                let t = r.seconds[a] ?? .nan
                return "\(fmt(t * 1000, 2)) ms (\(fmt(ConvBench.gflop(r) / t, 0)))"
            }
            + [r.fastest.rawValue, ConvPlan.measured.byChannels[r.channels]?.rawValue ?? "im2col"]
    })
}

let trunk = try TrunkBench(cores: cores, patchChunkBytes: patchChunkBytes)
if only("trunk") {
    report.section("Trunk: ResNet50 forward at 224x224 (\(fmt(trunkGFLOPPerImage, 2)) GFLOP/image)")
    var rows: [[String]] = []
    for (streams, batch) in [(cores, 8), (cores, 4), (cores, 16)] {
        let r = try trunk.streamsRate(streams: streams, batch: batch, images: 96)
        let g = r * trunkGFLOPPerImage
        rows.append(["\(streams) streams x batch \(batch), 1 BLAS thread each", fmt(r), fmt(g), fmt(g / gemm2, 2)])
    }
    for batch in [8, 16] {
        let r = trunk.threadedRate(threads: cores, batch: batch, images: 64)
        let g = r * trunkGFLOPPerImage
        rows.append(["1 stream x batch \(batch), \(cores) BLAS threads", fmt(r), fmt(g), fmt(g / gemm2, 2)])
    }
    let im2colTrunk = try TrunkBench(cores: cores, patchChunkBytes: patchChunkBytes, plan: .im2col)
    let r = try im2colTrunk.streamsRate(streams: cores, batch: 8, images: 96)
    rows.append(["im2col everywhere (no Winograd): \(cores) streams x batch 8", fmt(r), fmt(r * trunkGFLOPPerImage),
                 fmt(r * trunkGFLOPPerImage / gemm2, 2)])
    for (streams, batch, threads) in [(cores, 8, 1), (1, 16, cores)] {
        if let r = try? trunk.bf16Rate(streams: streams, batch: batch, threadsPerStream: threads, images: 96) {
            rows.append(["bf16 (oneDNN): \(streams) streams x batch \(batch), \(threads) thread(s) each", fmt(r),
                         fmt(r * trunkGFLOPPerImage), fmt(r * trunkGFLOPPerImage / gemm2, 2)])
        } else {
            rows.append(["bf16 (oneDNN): not run (no AVX-512 BF16 here)", "-", "-", "-"])
        }
    }
    report.line("Convolutions: \(trunk.network.plan) (3x3 stride 1; im2col elsewhere). GFLOP/s counts every convolution as direct (\(fmt(trunkGFLOPPerImage, 2)) GFLOP/image), so Winograd can pass the sgemm's figure.\n")
    report.table(["configuration", "images/s", "GFLOP/s", "/ sgemm GFLOP/s"], rows)
    let p = trunk.layerProfile(batch: 8)
    report.line("Where the time goes (one stream, 1 thread, batch 8; \(fmt(16 / p.total)) images/s on one core):\n")
    report.table(["layer", "share of time", "GFLOP/s"], p.layers.map { [$0.0, fmt($0.1 * 100) + "%", $0.2 > 0 ? fmt($0.2) : "-"] })
    report.table(["kernel", "share of time"], p.kernels.map { [$0.0, fmt($0.1 * 100) + "%"] })
}

let pipeline = PipelineBench(dataPath: dataPath, cores: cores)
var dataset: LabelledImages?
if only("data") || only("head") || only("sweep") || only("memory") || only("embed") {
    report.section("Data: 2000 synthetic MIML-format images")
    let data = try pipeline.ensureData(count: 2000, report: report)
    dataset = data
    report.line("- inspect (`sweep data inspect`): \(fmt(pipeline.inspectSeconds(), 2)) s")
}
var cachedFeatures: CachedFeatures?
if let data = dataset, only("data") || only("head") {
    let pre = try pipeline.preprocessSecondsPerImage(data)
    let trunkPerImage = 1 / (try trunk.streamsRate(streams: 1, batch: 8, images: 32))
    report.line("- decode + resize + normalise: \(fmt(pre * 1000, 2)) ms/image on one core = \(fmt(100 * pre / trunkPerImage))% of the trunk's \(fmt(trunkPerImage * 1000)) ms/image on one core")
    let ext = try pipeline.extraction(data, network: trunk.network, cacheDir: scratch + "/bench-cache")
    report.line("- feature extraction through the cache, \(cores) streams: \(fmt(Double(data.count) / ext.cold)) images/s (\(fmt(ext.cold)) s for \(data.count) images, decoding included)")
    report.line("- second extraction of the same data set (cache hit): \(fmt(ext.warm, 2)) s")
    let extractor = TrunkFeatureExtractor(network: trunk.network, weightsIdentity: "random:0 init-v1 (bench)", streams: cores)
    cachedFeatures = try FeatureCache(directory: URL(fileURLWithPath: scratch + "/bench-cache"))
        .features(for: (0..<data.count).map { data.imageURL($0).path }, extractor: extractor)
}
if let data = dataset, let features = cachedFeatures, only("head") {
    let split = try DataSplit.make(data, method: .random, validationFraction: 0.3, seed: 0)
    let head = try notebookTrialSeconds(features: features, targets: data.targets, classNames: data.classNames,
                                        train: split.trainIndices, validation: split.validationIndices)
    report.section("Head training on cached features (the notebook's trial, 1 thread)")
    report.line("- 10 epochs in \(fmt(head.total, 2)) s: \(fmt(head.perEpoch, 3)) s per epoch, against ~275 s per epoch for the notebook's PyTorch loop on this machine (trunk recomputed every batch): \(fmt(275 / head.perEpoch, 0))x")
}
let sweepBinary = binDir + "/sweep"
if let data = dataset, only("memory") || only("embed") {
    let images = (0..<data.count).map { data.imageURL($0).path }
    let bench = EmbedBench(sweep: sweepBinary, scratch: scratch)
    report.section("The whole `sweep embed` job on \(images.count) images, against PyTorch (and memory)")
    let fp32 = try bench.sweepEmbed(images: images, precision: "fp32")
    let bf16 = try? bench.sweepEmbed(images: images, precision: "bf16")
    let torch = try bench.torchEmbed(images: images)
    let n = Double(images.count)
    var rows = [["`sweep embed` fp32", fmt(fp32.seconds), fmt(n / fp32.seconds), fmt(fp32.maxRSSMiB, 0)]]
    if let bf16 { rows.append(["`sweep embed --precision bf16`", fmt(bf16.seconds), fmt(n / bf16.seconds), fmt(bf16.maxRSSMiB, 0)]) }
    if case .success(let t) = torch { rows.append(["PyTorch (bench/torch_embed.py, batch 64)", fmt(t), fmt(n / t), "-"]) }
    report.table(["job", "seconds", "images/s", "peak RSS MiB"], rows)
    switch torch {
    case .success(let t):
        report.line("- against PyTorch fp32: fp32 \(fmt(t / fp32.seconds, 2))x (goal 1.4x)" + (bf16.map { ", bf16 \(fmt(t / $0.seconds, 2))x (goal 2.2x)" } ?? ""))
    case .failure(let why):
        report.line("- PyTorch not measured: \(why)")
    }
    if bf16 == nil { report.line("- bf16 not measured: `sweep embed --precision bf16` refused (no AVX-512 BF16 here)") }
    report.line("- peak resident memory of the fp32 job (streamed in batches of 64): \(fmt(fp32.maxRSSMiB, 0)) MiB (goal: under 1536 MiB)")
}
if dataset != nil, only("sweep") {
    let bench = SweepBench(sweep: sweepBinary, dataPath: dataPath, scratch: scratch)
    report.section("The 54-trial sweeps/scene.yaml, end to end")
    let full = try bench.fullScene(workers: cores)
    report.line("- 2000 images, feature extraction included, \(cores) workers: \(fmt(full)) s (\(fmt(full / 60, 1)) min); the notebook's loop in PyTorch here: ~275 s/epoch x 10 epochs x 54 trials = \(fmt(275.0 * 10 * 54 / 3600, 1)) h")
    let t1 = try bench.cachedTrials(workers: 1, blasThreads: 1, tag: "w1t1")
    let t2 = try bench.cachedTrials(workers: 2, blasThreads: 1, tag: "w2t1")
    let t12 = try bench.cachedTrials(workers: 1, blasThreads: 2, tag: "w1t2")
    report.line("- 18 trials on cached features: 1 worker x 1 thread \(fmt(t1)) s, 1 worker x 2 threads \(fmt(t12)) s, 2 workers x 1 thread \(fmt(t2)) s")
    report.line("- parallel efficiency of 2 workers against 1 (1 thread each): \(fmt(t1 / (2 * t2), 2)); speed-up over 1 worker with 2 BLAS threads: \(fmt(t12 / t2, 2))x")
}
if only("report") {
    let bench = ReportBench(sweep: sweepBinary, folder: scratch + "/report-1000")
    let r = try bench.run(harness: FileManager.default.currentDirectoryPath + "/Tests/e2e/report_checks.html")
    report.section("The HTML report of a simulated 1000-trial sweep")
    report.line("- page: \(fmt(Double(r.bytes) / 1e6, 2)) MB (goal: under 5 MB)")
    report.line("- in `sweep run` after a trial: model \(fmt(r.modelSeconds * 1000)) ms + page \(fmt(r.renderSeconds * 1000)) ms; written atomically \(fmt(r.writeSeconds * 1000)) ms in all (a rewrite waits 20x that, so at most 1/20 of one core)")
    report.line("- `sweep report` end to end (reads the 1000 records and the sweep file): \(fmt(r.commandSeconds * 1000)) ms")
    if r.browser != nil {
        report.line("- chromium (headless), load + style + layout of the page in an iframe: \(fmt(median(r.browserMs), 0)) ms (a blank page: \(fmt(median(r.blankMs), 0)) ms; median of 3; goal: under 2 s)")
        report.line("- chromium screenshot from start to PNG (incl. paint): \(fmt(median(r.screenshotSeconds), 2)) s, a blank page \(fmt(median(r.blankScreenshotSeconds), 2)) s: \(fmt(median(r.screenshotSeconds) - median(r.blankScreenshotSeconds), 2)) s for the report")
    } else {
        report.line("- chromium not installed: browser timings not measured (Tests/e2e/report_browser_test.sh installs it)")
    }
}
if only("merge") {
    let count = 10_000
    let bench = MergeBench(scratch: scratch, count: count)
    report.section("Slurm driver: trial records merged per second (a simulated sweep of \(count) trivial trials)")
    let backlog = try await bench.run(live: false)
    report.line("- \(count) outcome files waiting (a driver restarted after the jobs ran): queued and merged into trials.jsonl and the leaderboard in \(fmt(backlog.seconds, 2)) s = \(fmt(Double(count) / backlog.seconds, 0)) records/s (the simulated workers wrote them at \(fmt(backlog.written, 0)) files/s)")
    let live = try await bench.run(live: true)
    report.line("- outcomes written while the driver polls every 0.05 s: all \(count) merged \(fmt(live.seconds, 2)) s after the driver started = \(fmt(Double(count) / live.seconds, 0)) records/s, while the simulated workers wrote \(fmt(live.written, 0)) outcomes/s on the same cores")
}
if only("search") {
    let bench = SearchBench()
    report.section("Search: sweep's TPE and random samplers against Optuna's")
    try bench.table(report: report, referencePath: FileManager.default.currentDirectoryPath + "/Tests/Fixtures/search/sampler_reference.json")
    let mixed = bench.suggestionMs(SearchBench.noisy, finished: 1000, value: SearchBench.noisyTrue)
    let six = bench.suggestionMs(SearchBench.hartmann, finished: 1000, value: SearchBench.hartmannValue)
    report.line("- one TPE suggestion after 1000 finished trials: \(fmt(mixed, 2)) ms (6 mixed dimensions: log, int, step, log-int, choice), \(fmt(six, 2)) ms (Hartmann-6's 6 reals); goal: under 10 ms")
}
try report.text.write(toFile: FileManager.default.currentDirectoryPath + "/results/bench.md", atomically: true, encoding: .utf8)
