import Foundation
import SweepDNNL
import SweepTestSupport
import XCTest

/// `backbone.precision` and `sweep embed --precision`, end to end: bf16 features near fp32's,
/// their own cache key and trial ids (fp32's unchanged), and a clear refusal on a CPU without
/// AVX-512 BF16 (forced with oneDNN's `ONEDNN_MAX_CPU_ISA=AVX512_CORE`).
final class PrecisionTests: CLITestCase {
    func requireBF16() throws {
        do { try BF16Support.current.require() } catch { throw ReportedSkip.skip(self, "no AVX-512 BF16 here: \(error)") }
    }

    /// Runs `sweep` with oneDNN capped below bf16.
    func runWithoutBF16(_ arguments: [String]) throws -> Outcome {
        try BinaryRun(binary: binary, arguments: arguments, in: work, logs: logs,
                      environment: Self.noImageNet(under: root).merging(["ONEDNN_MAX_CPU_ISA": "AVX512_CORE"]) { _, new in new })
            .wait(timeout: 120)
    }

    func floats(_ name: String) throws -> [Float] {
        let bytes = try Data(contentsOf: work.appendingPathComponent(name))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        return bytes.dropFirst(10 + headerLength).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    func testEmbedBF16NearFP32() throws {
        try requireBF16()
        let images = Array(dataSet.images.prefix(3))
        assertExit(try run(["embed", "--weights", "random", "--out", "fp32.npy"] + images, timeout: 120), 0, "fp32")
        assertExit(try run(["embed", "--weights", "random", "--precision", "bf16", "--out", "bf16.npy"] + images,
                           timeout: 120), 0, "bf16")
        let a = try floats("fp32.npy"), b = try floats("bf16.npy")
        XCTAssertEqual(a.count, 3 * 2048)
        XCTAssertEqual(b.count, a.count)
        let scale = a.reduce(0) { max($0, abs($1)) }
        let worst = zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
        let norm = zip(a, b).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }.squareRoot()
            / a.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot()
        print("sweep embed bf16 vs fp32 (random weights, 3 images): max error \(worst / scale) of the largest feature, "
              + "relative L2 error \(norm)")
        // Random weights (He init, untrained) amplify the rounding more than the fixture weights
        // do (BF16TrunkTests, 0.05): measured 0.09 max and 0.085 L2 here, bounds 0.15 and 0.12.
        XCTAssertLessThan(worst / scale, 0.15)
        XCTAssertLessThan(norm, 0.12)
        XCTAssertGreaterThan(worst, 0, "bf16 gave fp32's features bit for bit")
    }

    func testBF16RefusedWithoutCPUSupport() throws {
        let embed = try runWithoutBF16(["embed", "--weights", "random", "--precision", "bf16", "--out", "x.npy",
                                        dataSet.images[0]])
        XCTAssertEqual(embed.status, 1, embed.stderr)
        XCTAssertEqual(embed.stderrLines.count, 1, embed.stderr)
        XCTAssertTrue(embed.stderr.contains("bf16 needs a CPU with AVX-512 BF16"), embed.stderr)
        XCTAssertTrue(embed.stderr.contains("ONEDNN_MAX_CPU_ISA") || embed.stderr.contains("does not report AVX512_BF16"),
                      embed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("x.npy").path))
        // fp32 still runs there.
        XCTAssertEqual(try runWithoutBF16(["embed", "--weights", "random", "--out", "y.npy", dataSet.images[0]]).status, 0)

        var file = sweepFile("bf16-refused")
        file.grid = [("lr", "[0.001]")]
        try file.text.replacingOccurrences(of: "  weights: random\n", with: "  weights: random\n  precision: bf16\n")
            .write(to: work.appendingPathComponent("bf16.yaml"), atomically: true, encoding: .utf8)
        for command in [["validate", "bf16.yaml"], ["run", "bf16.yaml"]] {
            let outcome = try runWithoutBF16(command)
            XCTAssertEqual(outcome.status, 1, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("backbone.precision") && outcome.stderr.contains("AVX-512 BF16"),
                          "\(command): \(outcome.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: resultsFolder("bf16-refused").appendingPathComponent("trials.jsonl").path))
    }

    /// The contract: `backbone.precision: bf16` reaches the extractor (the cache entry's identity
    /// says bf16, beside the fp32 one), is recorded in sweep.yaml, and gives the trials their own
    /// ids, while an fp32 file (written out or defaulted) keeps the ids it had.
    func testPrecisionReachesTheCacheAndTheTrialIDs() throws {
        try requireBF16()
        var file = sweepFile("bf16")
        file.cachePath = work.appendingPathComponent("cache").path
        file.grid = [("lr", "[0.001]")]
        file.epochs = 1
        try write(file, to: "fp32.yaml")
        try file.text.replacingOccurrences(of: "  weights: random\n", with: "  weights: random\n  precision: fp32\n")
            .write(to: work.appendingPathComponent("fp32-explicit.yaml"), atomically: true, encoding: .utf8)
        try file.text.replacingOccurrences(of: "  weights: random\n", with: "  weights: random\n  precision: bf16\n")
            .write(to: work.appendingPathComponent("bf16.yaml"), atomically: true, encoding: .utf8)
        let fp32IDs = try plannedIDs("fp32.yaml"), bf16IDs = try plannedIDs("bf16.yaml")
        XCTAssertEqual(try plannedIDs("fp32-explicit.yaml"), fp32IDs)
        XCTAssertEqual(fp32IDs.count, 1)
        XCTAssertNotEqual(bf16IDs, fp32IDs)

        let run = try self.run(["run", "bf16.yaml"], timeout: 600)
        assertExit(run, 0, "bf16 sweep")
        let cache = work.appendingPathComponent("cache")
        let identities = try FileManager.default.contentsOfDirectory(atPath: cache.path).compactMap { key -> String? in
            guard let data = FileManager.default.contents(atPath: cache.appendingPathComponent("\(key)/manifest.json").path),
                  let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return json["identity"] as? String
        }
        XCTAssertEqual(identities.count, 1, "\(identities)")
        XCTAssertTrue(identities.first?.hasSuffix(" | precision bf16") ?? false, "\(identities)")
        let recorded = try String(contentsOf: resultsFolder("bf16").appendingPathComponent("sweep.yaml"), encoding: .utf8)
        XCTAssertTrue(recorded.contains("precision: bf16"), recorded)
        let records = try String(contentsOf: resultsFolder("bf16").appendingPathComponent("trials.jsonl"), encoding: .utf8)
        XCTAssertTrue(records.contains(bf16IDs[0]), records)
    }
}
