import ArgumentParser
import Foundation
import SweepData
import SweepModels
import SweepTensor
import SweepVision

/// `sweep embed --weights W [--out FILE] IMAGE...`: the trunk's 2048 features per image.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Write the ResNet50 trunk's 2048 pooled features of each image.",
        discussion: """
            Output: CSV rows `path,f0,...,f2047` on stdout or in FILE, or a float32 .npy \
            (N x 2048) when FILE ends in .npy. Images are streamed in bounded batches.
            """)

    @Option(help: "imagenet (torch hub cache), random[:SEED], or a .pth/.safetensors file.")
    var weights: String

    @Option(help: "Output file (.csv or .npy); default: CSV on stdout.")
    var out: String?

    @Option(help: "Parallel trunk streams (default: the number of cores).")
    var streams: Int = ProcessInfo.processInfo.activeProcessorCount

    @Argument(help: "JPEG images.")
    var images: [String]

    func run() throws {
        try runReportingErrors {
            guard !images.isEmpty else { throw CommandError("no images given") }
            let extractor = try TrunkFeatureExtractor.load(WeightsSource(parsing: weights), streams: max(1, streams))
            let sink = try FeatureSink(path: out, rows: images.count)
            try extractor.forEachBatch(of: images) { batch, features in
                try sink.write(paths: Array(batch), features: features, width: extractor.featureCount)
            }
            try sink.finish()
        }
    }
}

/// Where `sweep embed` writes: CSV (stdout or file) or .npy, each file replaced atomically.
final class FeatureSink {
    let path: String?
    let npy: Bool
    let handle: FileHandle
    let temporary: String?

    init(path: String?, rows: Int) throws {
        self.path = path
        npy = path?.hasSuffix(".npy") ?? false
        if let path {
            let tmp = path + ".partial-\(getpid())"
            guard FileManager.default.createFile(atPath: tmp, contents: nil),
                  let h = FileHandle(forWritingAtPath: tmp) else {
                throw CommandError("\(path): cannot create the output file")
            }
            handle = h
            temporary = tmp
        } else {
            handle = FileHandle.standardOutput
            temporary = nil
        }
        if npy { handle.write(NPY.header(rows: rows, columns: ResNet50Layout.featureCount)) }
    }

    /// Writes rows.
    /// - Parameter features: (paths.count, width) row-major.
    func write(paths: [String], features: UnsafePointer<Float>, width: Int) throws {
        if npy {
            handle.write(Data(buffer: UnsafeBufferPointer(start: features, count: paths.count * width)))
            return
        }
        var text = ""
        for (i, path) in paths.enumerated() {
            text += csvField(path)
            for j in 0..<width { text += "," + "\(features[i * width + j])" }
            text += "\n"
        }
        handle.write(Data(text.utf8))
    }

    func finish() throws {
        guard let path, let temporary else { return }
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else { throw CommandError("\(path): cannot write the output file") }
    }

    deinit {
        if let temporary, FileManager.default.fileExists(atPath: temporary) { unlink(temporary) }
    }

    func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
