import Foundation
import SweepData
import SweepFeatureCache
import SweepScenes
import SweepModels
import SweepTensor
import SweepVision

/// The data path: generating, inspecting, decoding and extracting 2000 images.
struct PipelineBench {
    let dataPath: String
    let cores: Int

    /// Generates the synthetic data set once (kept between bench runs).
    func ensureData(count: Int, report: Report) throws -> LabelledImages {
        if !FileManager.default.fileExists(atPath: dataPath + "/" + MIMLReader.matFileName) {
            let t0 = now()
            let summary = try SyntheticMIML.generate(into: URL(fileURLWithPath: dataPath), count: count, seed: 0)
            report.line("- generated \(summary.images) synthetic images in \(fmt(now() - t0)) s (\(fmt(Double(summary.jpegBytes) / 1e6)) MB of JPEG)")
        }
        return try DataSets.load(dataPath)
    }

    /// Seconds to inspect the data set (what `sweep data inspect` does).
    func inspectSeconds() -> Double {
        bestTime(repeats: 2) { _ = DataSets.scan(dataPath) }
    }

    /// Mean seconds per image of decode + resize + normalise, one thread.
    func preprocessSecondsPerImage(_ data: LabelledImages, images: Int = 200) throws -> Double {
        let slot = FloatBuffer(count: 224 * 224 * 3)  // (224, 224, 3)
        let n = min(images, data.count)
        let t = try bestTime(repeats: 2) {
            for i in 0..<n { try Preprocessing.imagenet.load(data.imageURL(i).path, into: slot.pointer) }
        }
        return t / Double(n)
    }

    /// Extraction through the feature cache into an empty cache folder, then again (cached).
    func extraction(_ data: LabelledImages, network: ResNet50, cacheDir: String) throws -> (cold: Double, warm: Double) {
        try? FileManager.default.removeItem(atPath: cacheDir)
        let extractor = TrunkFeatureExtractor(network: network, weightsIdentity: "random:0 init-v1 (bench)", streams: cores)
        let cache = FeatureCache(directory: URL(fileURLWithPath: cacheDir))
        let paths = (0..<data.count).map { data.imageURL($0).path }
        let t0 = now()
        _ = try cache.features(for: paths, extractor: extractor)
        let cold = now() - t0
        let t1 = now()
        _ = try cache.features(for: paths, extractor: extractor)
        return (cold, now() - t1)
    }
}
