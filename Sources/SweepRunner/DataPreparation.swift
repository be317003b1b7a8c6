import Foundation
import SweepCore
import SweepData
import SweepScenes

/// The images and labels a sweep trains on, and a sentence saying what they are.
public struct PreparedData: Sendable {
    /// The images and labels.
    public var dataset: LabelledImages
    /// e.g. `MIML at data/miml (2000 images)` or `SYNTHETIC stand-in for MIML … at data/miml`.
    public var description: String
}

/// Finds the sweep's data set, generating the synthetic MIML stand-in when the path does not
/// exist and the sweep file asks for it (`data.synthesize_if_missing`, default false).
public enum DataPreparation {
    /// Images the synthetic stand-in gets (as many as MIML has).
    public static let syntheticImages = 2000

    /// The data set `spec` names, generated first when it is missing and may be synthesized.
    /// - Parameter log: receives progress and what was decided, one sentence each.
    public static func prepare(_ spec: DataSpec, log: @escaping (String) -> Void) throws -> PreparedData {
        let path = spec.path
        if !FileManager.default.fileExists(atPath: path) {
            guard spec.format == .miml, spec.synthesizeIfMissing else {
                throw FileError(path: path, reason: "the data set does not exist")
            }
            log("\(path) not found: the MIML data set cannot be downloaded here, so sweep generates its "
                + "synthetic stand-in there (\(syntheticImages) procedurally drawn scenes, MIML layout, seed 0). "
                + "Results will say they come from synthetic data.")
            let start = Date()
            // Generated beside its place and renamed at the end, so an interrupted run leaves
            // no half-written data set behind.
            let partial = path + ".partial-\(getpid())"
            let parent = (path as NSString).deletingLastPathComponent
            let base = (path as NSString).lastPathComponent
            for old in (try? FileManager.default.contentsOfDirectory(atPath: parent.isEmpty ? "." : parent)) ?? []
            where old.hasPrefix(base + ".partial-") {
                try? FileManager.default.removeItem(atPath: (parent.isEmpty ? "" : parent + "/") + old)
            }
            if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
            let summary = try SyntheticMIML.generate(into: URL(fileURLWithPath: partial), count: syntheticImages, seed: 0) { done in
                if done % 250 == 0 { log("  generated \(done)/\(syntheticImages) images") }
            }
            if rename(partial, path) != 0 {
                // Another run generated it meanwhile: use theirs.
                try? FileManager.default.removeItem(atPath: partial)
                guard FileManager.default.fileExists(atPath: path) else { throw FileError(path: path, reason: "cannot move the generated data set into place: \(String(cString: strerror(errno)))") }
            }
            log(String(format: "  %d images (%.1f MB of JPEG) in %.1f s", summary.images,
                       Double(summary.jpegBytes) / 1e6, Date().timeIntervalSince(start)))
        }
        let dataset = try DataSets.load(path, format: LabelledImages.Format(rawValue: spec.format.rawValue))
        let what = dataset.isSynthetic
            ? "SYNTHETIC stand-in for MIML: \(SyntheticMarker.read(in: dataset.root) ?? path)"
            : "\(dataset.format.rawValue.uppercased()) data set at \(path)"
        return PreparedData(dataset: dataset, description: "\(what); \(dataset.count) images, classes \(dataset.classNames.joined(separator: ", "))")
    }

    /// The data set `spec` names when it is there (nil when it is missing and would be
    /// synthesized by `sweep run`), for checks that must not write anything.
    public static func existing(_ spec: DataSpec) throws -> LabelledImages? {
        guard FileManager.default.fileExists(atPath: spec.path) else { return nil }
        return try DataSets.load(spec.path, format: LabelledImages.Format(rawValue: spec.format.rawValue))
    }

    /// The test, train/validation or fold split `spec` asks for.
    public static func split(_ dataset: LabelledImages, _ spec: DataSpec) throws -> DataSplit {
        try DataSplit.make(dataset, method: spec.stratified ? .iterativeStratification : .random,
                           validationFraction: spec.validation, seed: UInt64(spec.splitSeed),
                           testFraction: spec.test, folds: spec.folds)
    }
}
