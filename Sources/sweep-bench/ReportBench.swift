import Foundation
import SweepCore
import SweepPlugins
import SweepReport
import SweepRunner
import SweepTensor
import SweepTrain
import SweepVision

/// The HTML report of a simulated 1000-trial sweep: a results folder with 1000 records
/// (lr 10 x dropout 5 x depth 4 x t_max 5, grid values that survive the YAML round trip; 10 epochs each; 900 complete, 50 pruned, 30
/// diverged, 20 failed), a context with 2000 images and 600 validation rows and `best/` with its
/// validation scores. Measured: building the model and the page in-process (what `sweep run`
/// does after each trial), `sweep report` end to end, the page's size, and chromium loading and
/// laying it out (Tests/e2e/report_checks.html's timing) and screenshotting it.
struct ReportBench {
    let sweep: String
    let folder: String

    static let classes = ["desert", "mountains", "sea", "sunset", "trees"]

    /// Writes the simulated folder; returns the reader's inputs.
    func makeFolder() throws -> (ResultsStore, SweepPlan, [TrialRecord]) {
        try? FileManager.default.removeItem(atPath: folder)
        let store = ResultsStore(directory: folder)
        try FileManager.default.createDirectory(atPath: store.checkpointsPath, withIntermediateDirectories: true)
        // The plan as `sweep report` will read it back from sweep.yaml (real trial ids).
        let yaml = """
            name: report-1000
            backbone: {weights: random}
            grid:
              lr: [1.0e-5, 2.0e-5, 5.0e-5, 1.0e-4, 2.0e-4, 5.0e-4, 1.0e-3, 2.0e-3, 5.0e-3, 1.0e-2]
              dropout: [0, 0.1, 0.2, 0.3, 0.5]
              depth: [0, 1, 2, 3]
              t_max: [2, 5, 10, 20, 50]
            """
        let plan = try SweepFile.parse(yaml, displayPath: "report-1000.yaml", catalog: AllPlugins.catalog(),
                                       fileExists: { _ in true }, defaultWorkers: 2)
        let spec = plan.spec
        var rng: UInt64 = 42
        func uniform() -> Double { Double(splitmix64(&rng) >> 11) / Double(1 << 53) }
        var records: [TrialRecord] = []
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for (i, trial) in plan.trials.enumerated() {
            let config = trial.config
            let v = trial.parameterValues
            let lr = v["lr"]?.number ?? 1e-3, dropout = v["dropout"]?.number ?? 0, depth = v["depth"]?.number ?? 0
            let level = 0.72 - 0.03 * pow(log10(lr) + 3, 2) + 0.015 * depth - 0.06 * dropout
            let state: SweepCore.TrialState = i % 50 == 7 ? .failed : i % 33 == 5 ? .diverged : i % 20 == 3 ? .pruned : .complete
            let count = state == .complete ? 10 : state == .pruned ? 2 + i % 3 : state == .diverged ? 1 + i % 4 : 0
            let epochs = (0..<count).map { e -> EpochMetrics in
                let t = Double(e + 1) / 10
                let f1 = level * (1 - exp(-3 * t)) + 0.03 * (uniform() - 0.5)
                let loss = 1.2 - 0.6 * t + 0.05 * uniform()
                return EpochMetrics(epoch: e, lr: lr, train: ["loss": loss * 0.9, "f1_samples": f1 + 0.05, "roc_auc_samples": f1 + 0.15],
                                    val: ["loss": loss, "f1_samples": f1, "roc_auc_samples": f1 + 0.12], seconds: 0.3)
            }
            let best = TrialRecord.bestEpoch(of: epochs, by: spec.train.objective)
            let t0 = start.addingTimeInterval(Double(i) * 1.6)
            records.append(TrialRecord(
                id: trial.id, parameters: v, config: config, seed: 0, state: state, epochs: epochs, bestEpoch: best?.epoch,
                objective: best?.value, attempts: state == .failed ? 2 : 1,
                failure: state == .failed ? TrialFailure(reason: "timed out after 600.0 seconds", stderrTail: "") : nil,
                timings: TrialTimings(start: t0, end: t0.addingTimeInterval(3.1), seconds: 3.1), workerPID: 1))
        }
        try Data(try spec.resolvedYAML().utf8).write(to: URL(fileURLWithPath: store.specPath))
        let lines = try records.map { try $0.jsonLine() + "\n" }.joined()
        try Data(lines.utf8).write(to: URL(fileURLWithPath: store.trialsPath))
        let rows = 2000, validation = Array(stride(from: 0, to: rows, by: 10).flatMap { [$0, $0 + 3, $0 + 7] })
        let targets = (0..<rows * 5).map { _ in UInt8(uniform() < 0.25 ? 1 : 0) }
        let trainRows = Array(Set(0..<rows).subtracting(validation)).sorted()
        // WorkerContext's fields, decoded as the workers decode context.json (a changed format fails here).
        let fields: [String: Any] = [
            "sweep": spec.name, "cacheDirectory": "/bench", "cacheKey": "bench", "classNames": Self.classes,
            "targets": targets.map(Int.init), "trainIndices": trainRows, "validationIndices": validation,
            "checkpointsDirectory": store.checkpointsPath, "blasThreads": 1, "weights": "random:0",
            "weightsIdentity": "random:0 init-v1",
            "preprocessing": try JSONSerialization.jsonObject(with: WorkerCodec.encoder().encode(Preprocessing.imagenet)),
            "dataDescription": "SYNTHETIC stand-in for MIML: simulated for the report benchmark; 2000 images",
        ]
        let context = try WorkerCodec.decoder().decode(WorkerContext.self, from: JSONSerialization.data(withJSONObject: fields))
        try context.write(to: store.contextPath)
        let ranked = Leaderboard(plan: plan).ranked(records)
        let top = ranked[0]
        let head = try Head(config: SweepTrain.HeadConfig(inputWidth: 8, classes: 5, depth: 0, dropout: 0), seed: 1)
        func json(_ value: some Encodable) throws -> Any { try JSONSerialization.jsonObject(with: WorkerCodec.encoder().encode(value)) }
        let cardFields: [String: Any] = [
            "format": "sweep-head-v1", "classNames": Self.classes, "threshold": 0.5, "scores": "sigmoid",
            "head": try json(head.config), "preprocessing": try json(Preprocessing.imagenet),
            "trunk": ["name": "resnet50", "weights": "random:0", "identity": "random:0 init-v1"],
            "trial": ["id": top.id, "sweep": spec.name, "parameters": try json(top.parameters), "bestEpoch": top.bestEpoch ?? 0,
                      "validation": try json(top.best?.val ?? [String: Double]()), "data": context.dataDescription] as [String: Any],
        ]
        let card = try WorkerCodec.decoder().decode(ModelCard.self, from: JSONSerialization.data(withJSONObject: cardFields))
        var scores: [Double] = []   // (600, 5): positives around 0.62, negatives around 0.32
        for row in validation {
            for c in 0..<5 {
                let centre: Double = targets[row * 5 + c] == 1 ? 0.62 : 0.32
                scores.append(min(1, max(0, centre + 0.35 * (uniform() - 0.5))))
            }
        }
        try Checkpoint.write(state: head.stateDict(), card: card, validation: ValidationScores(rows: validation, classes: 5, scores: scores),
                             to: store.checkpointPath(top.id))
        try store.reconcileBest(ranked: ranked)
        return (store, plan, records)
    }

    struct Result {
        var modelSeconds = 0.0, renderSeconds = 0.0, writeSeconds = 0.0, commandSeconds = 0.0
        var bytes = 0
        var browserMs: [Double] = [], blankMs: [Double] = []
        var screenshotSeconds: [Double] = [], blankScreenshotSeconds: [Double] = []
        var browser: String?
    }

    func run(harness: String) throws -> Result {
        let (store, plan, records) = try makeFolder()
        var r = Result()
        let reader = ReportReader(store: store, plan: plan)
        _ = try reader.model(records: records)   // warm: the context and best/ are read once
        var model: ReportModel?
        r.modelSeconds = try bestTime(repeats: 5) { model = try reader.model(records: records) }
        var html = ""
        if let model { r.renderSeconds = bestTime(repeats: 5) { html = HTMLReport.render(model) } }
        r.bytes = html.utf8.count
        let live = LiveReport(store: store, plan: plan)
        r.writeSeconds = try bestTime(repeats: 5) { try live.write(records) }
        r.commandSeconds = try bestTime(repeats: 3) {
            let c = try runCommand(sweep, ["report", folder])
            guard c.status == 0 else { throw BenchError("sweep report exited with \(c.status)") }
        }
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile) else {
            return r
        }
        r.browser = chromium
        let blank = folder + "/blank.html"
        try "<!DOCTYPE html><html><body><p>blank</p></body></html>\n".write(toFile: blank, atomically: true, encoding: .utf8)
        let page = store.directory + "/" + LiveReport.fileName
        for _ in 0..<3 {
            r.browserMs.append(try layoutMilliseconds(chromium, harness: harness, page: page))
            r.blankMs.append(try layoutMilliseconds(chromium, harness: harness, page: blank))
            r.screenshotSeconds.append(try screenshot(chromium, page: page))
            r.blankScreenshotSeconds.append(try screenshot(chromium, page: blank))
        }
        return r
    }

    /// report_checks.html's "loaded and laid out in N ms" for `page`.
    func layoutMilliseconds(_ chromium: String, harness: String, page: String) throws -> Double {
        let out = try capture(chromium, Self.flags(folder) + ["--dump-dom", "file://\(harness)?report=file://\(page)"])
        guard let range = out.range(of: #"loaded and laid out in \d+ ms"#, options: .regularExpression),
              let ms = Double(out[range].split(separator: " ")[5]) else { throw BenchError("no timing from \(harness) for \(page): \(out.prefix(600))") }
        return ms
    }

    /// Wall seconds of a headless screenshot (start, load, layout, paint, PNG) of `page`.
    func screenshot(_ chromium: String, page: String) throws -> Double {
        try runCommand(chromium, Self.flags(folder) + ["--window-size=1280,2000", "--screenshot=\(folder)/shot.png", "file://\(page)"]).seconds
    }

    static func flags(_ folder: String) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--allow-file-access-from-files",
         "--user-data-dir=\(folder)/chromium-profile"]
    }

    func capture(_ path: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? .nan : s[s.count / 2]
}
