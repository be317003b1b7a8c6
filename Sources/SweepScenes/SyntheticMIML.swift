import Foundation
import SweepTensor
import SweepVision
import SweepData

/// Writes a synthetic stand-in for the MIML natural-scene data set in exactly its layout:
/// `original_images/1.jpg ... N.jpg` (libjpeg) and `miml data.mat` (libmatio, MATLAB v5,
/// uncompressed) with `class_name` (5 x 1 cell of char row vectors), `targets` (5 x N double,
/// +1/-1) and `bags` (N x 1 cell of 9 x 15 double, see `InstanceFeatures`), plus the
/// `SYNTHETIC.txt` marker. Image i depends only on (seed, i), so output is deterministic.
public enum SyntheticMIML {
    /// The generator's name and version, written into the marker and the `.mat` header.
    public static let generatorName = "sweep-synth-scenes v1"

    /// What a run wrote.
    public struct Summary: Sendable {
        /// Images written.
        public var images: Int
        /// (N, C) row-major 0/1 targets written.
        public var targets: [UInt8]
        /// Total JPEG bytes.
        public var jpegBytes: Int
        /// Smallest and largest JPEG in bytes.
        public var smallestJPEG: Int, largestJPEG: Int
        /// Seconds per step (drawing layers, JPEG encoding, writes), when profiled.
        public var steps: [(name: String, seconds: Double)] = []
    }

    /// Draws and writes `count` images into `folder` (created if needed). Refuses a folder that
    /// holds a `miml data.mat` without the synthetic marker (a real data set); replaces a previous
    /// synthetic one. `progress` is called after each image with the number done; `profile` times
    /// each drawing layer, the JPEG encoding and the file writes (`Summary.steps`).
    public static func generate(into folder: URL, count: Int, seed: UInt64, profile: Bool = false,
                                progress: ((Int) -> Void)? = nil) throws(SyntheticDataError) -> Summary {
        guard count >= 1 else { throw SyntheticDataError("--images must be at least 1, got \(count)") }
        let fm = FileManager.default
        let matURL = folder.appendingPathComponent(MIMLReader.matFileName)
        let markerURL = folder.appendingPathComponent(SyntheticMarker.fileName)
        if fm.fileExists(atPath: matURL.path), !fm.fileExists(atPath: markerURL.path) {
            throw SyntheticDataError("\(folder.path) holds `\(MIMLReader.matFileName)` but no \(SyntheticMarker.fileName): refusing to overwrite what may be the real data set")
        }
        let images = folder.appendingPathComponent(MIMLReader.imageFolderName)
        do {
            try fm.createDirectory(at: images, withIntermediateDirectories: true)
            for old in try fm.contentsOfDirectory(atPath: images.path) where old.lowercased().hasSuffix(".jpg") {
                try fm.removeItem(at: images.appendingPathComponent(old))
            }
            try? fm.removeItem(at: matURL)
            let marker = SyntheticMarker.text(seed: seed, images: count, generator: generatorName)
            try Data(marker.utf8).write(to: markerURL, options: .atomic)
        } catch {
            throw SyntheticDataError("cannot prepare \(folder.path): \(error.localizedDescription)")
        }

        var labelRNG = SeededRandom(seed: seed, stream: 0)
        let labelSets = SceneLabels.draw(count: count, rng: &labelRNG)
        let c = SceneLabels.classNames.count
        var targets = [UInt8](repeating: 0, count: count * c)
        var bags: [[Double]] = []
        bags.reserveCapacity(count)
        var summary = Summary(images: count, targets: [], jpegBytes: 0, smallestJPEG: .max, largestJPEG: 0)
        let renderer = SceneRenderer()
        let profiler = profile ? Profiler() : nil
        for i in 0..<count {
            for k in labelSets[i] { targets[i * c + k] = 1 }
            var rng = SeededRandom(seed: seed, stream: UInt64(i) + 1)
            let (canvas, quality) = renderer.render(labels: labelSets[i], rng: &rng, profiler: profiler)
            let jpeg: [UInt8]
            do {
                jpeg = try profiler.measure("jpeg encode") {
                    try JPEGEncoder.encode(pixels: canvas.bytes(), width: canvas.width, height: canvas.height,
                                           quality: quality, subsampling: .s420, progressive: false)
                }
                try profiler.measure("write") { try writeFile(jpeg, to: images.appendingPathComponent("\(i + 1).jpg").path) }
            } catch {
                throw SyntheticDataError("cannot write image \(i + 1).jpg in \(images.path): \(error)")
            }
            summary.jpegBytes += jpeg.count
            summary.smallestJPEG = min(summary.smallestJPEG, jpeg.count)
            summary.largestJPEG = max(summary.largestJPEG, jpeg.count)
            bags.append(profiler.measure("bags") { InstanceFeatures.sbn(canvas) })
            progress?(i + 1)
        }
        let matStart = monotonicSeconds()
        try writeMat(to: matURL, targets: targets, bags: bags, seed: seed)
        summary.targets = targets
        if let profiler {
            summary.steps = profiler.order.map { ($0, profiler.seconds[$0] ?? 0) } + [(".mat", monotonicSeconds() - matStart)]
        }
        return summary
    }

    /// Writes `miml data.mat` (`MIMLWriter`) with the scene classes and the bags.
    /// - Parameters:
    ///   - targets: (N, C) row-major 0/1.
    ///   - bags: N arrays of (9, 15) row-major instance features.
    static func writeMat(to url: URL, targets: [UInt8], bags: [[Double]], seed: UInt64) throws(SyntheticDataError) {
        let header = "MATLAB 5.0 MAT-file, written by \(generatorName) (synthetic, seed \(seed))"
        do {
            try MIMLWriter.writeMat(to: url, classNames: SceneLabels.classNames, targets: targets, bags: bags,
                                    bagRows: InstanceFeatures.instances, bagColumns: InstanceFeatures.features, header: header)
        } catch {
            throw SyntheticDataError(error.description)
        }
    }

    /// Writes `bytes` to `path` with POSIX calls (Foundation's `Data.write` is several times slower here).
    static func writeFile(_ bytes: [UInt8], to path: String) throws(SyntheticDataError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw SyntheticDataError("cannot create \(path): errno \(errno)") }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + done }, bytes.count - done) }
            guard n > 0 else { throw SyntheticDataError("cannot write \(path): errno \(errno)") }
            done += n
        }
    }
}

/// The synthetic generator could not write its folder.
public struct SyntheticDataError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, naming the path.
    public var message: String
    init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
