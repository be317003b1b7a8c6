import ArgumentParser
import Foundation
import SweepCSV
import SweepData
import SweepFeatureCache
import SweepModels
import SweepTensor
import SweepVision

/// `sweep embed --weights W [--out FILE] IMAGE...`: the trunk's 2048 features per image.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Write the ResNet50 trunk's 2048 pooled features of each image.",
        discussion: """
            Output: CSV (RFC 4180) with the header `path,f0,...,f2047` and one row per image, on \
            stdout or in FILE; or a float32 .npy (N x 2048, rows in image order) when FILE ends in \
            .npy. IMAGE may be a JPEG or PNG file or a folder (searched recursively for .jpg, .jpeg \
            and .png, sorted). Images are streamed in bounded batches. An image that cannot be read \
            is reported on stderr and left out; the exit status is then 1, after the others are written.
            """)

    @Option(help: "imagenet (torch hub cache), random[:SEED], or a .pth/.safetensors file.")
    var weights: String

    @Option(help: "Output file (.csv or .npy); default: CSV on stdout.")
    var out: String?

    @Option(help: "fp32 (default) or bf16 (oneDNN; needs a CPU with AVX-512 BF16; about 2x faster, features within about 3%).")
    var precision: String = "fp32"

    @Option(help: "Parallel trunk streams (default: the number of cores).")
    var streams: Int = ProcessInfo.processInfo.activeProcessorCount

    @Argument(help: "JPEG or PNG images, or folders of them.")
    var images: [String]

    func run() throws {
        try runReportingErrors {
            guard let precision = TrunkPrecision(rawValue: precision) else {
                throw CommandError("--precision: expected fp32 or bf16, got \(self.precision)")
            }
            guard !images.isEmpty else { throw CommandError("no images given") }
            let (paths, missing) = ImageInputs.expand(images)
            let bad = BadImages()
            for (path, reason) in missing { bad.report(path, reason) }
            let extractor = try TrunkFeatureExtractor.load(WeightsSource(parsing: weights), streams: max(1, streams),
                                                           precision: precision)
            let sink = try FeatureSink(path: out, rows: paths.count, width: extractor.featureCount)
            try extractor.forEachBatch(of: paths, failed: { path, error in bad.report(path, error.reason) }) { batch, features in
                try sink.write(paths: batch, features: features)
            }
            try sink.finish()
            try bad.finish(of: paths.count + missing.count)
        }
    }
}

/// Where `sweep embed` writes: CSV (stdout or file) or .npy, each file replaced atomically.
final class FeatureSink {
    let path: String?
    let npy: Bool
    let width: Int
    let handle: FileHandle
    let temporary: String?
    let csv: CSVWriter
    /// The rows the .npy header was written for, and the rows written since.
    let plannedRows: Int
    private(set) var rows = 0

    /// - Parameters:
    ///   - rows: the rows expected (the .npy header is rewritten at the end if fewer come).
    ///   - width: features per row.
    init(path: String?, rows: Int, width: Int) throws {
        self.path = path
        self.width = width
        plannedRows = rows
        npy = path?.hasSuffix(".npy") ?? false
        csv = CSVWriter(header: ["path"] + (0..<width).map { "f\($0)" })
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
        handle.write(npy ? NPY.header(rows: rows, columns: width) : Data(csv.headerLine.utf8))
    }

    /// Writes rows.
    /// - Parameter features: (paths.count, width) row-major.
    func write(paths: [String], features: UnsafePointer<Float>) throws {
        rows += paths.count
        if npy {
            handle.write(Data(buffer: UnsafeBufferPointer(start: features, count: paths.count * width)))
            return
        }
        var text = ""
        for (i, path) in paths.enumerated() {
            text += csv.line([path] + (0..<width).map { "\(features[i * width + $0])" })
        }
        handle.write(Data(text.utf8))
    }

    func finish() throws {
        guard let path, let temporary else { return }
        if npy && rows != plannedRows {
            // Fewer rows than planned (unreadable images): the shape in the header says so.
            let planned = NPY.header(rows: plannedRows, columns: width)
            try handle.seek(toOffset: 0)
            handle.write(NPY.header(rows: rows, columns: width, length: planned.count))
        }
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else { throw CommandError("\(path): cannot write the output file") }
    }

    deinit {
        if let temporary, FileManager.default.fileExists(atPath: temporary) { unlink(temporary) }
    }
}
