import ArgumentParser
import Foundation
import SweepData
import SweepScenes

/// `sweep data`: make and check data sets.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Make and check image data sets.",
        subcommands: [Synth.self, Inspect.self])

    /// `sweep data synth DIR`.
    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a SYNTHETIC stand-in for the MIML natural-scene data set (same layout, classes and label statistics).")

        @Argument(help: "Folder to write (`miml data.mat`, `original_images/`, `SYNTHETIC.txt`).")
        var directory: String

        @Option(help: "Number of images.")
        var images = 2000

        @Option(help: "Seed; the same seed gives the same bytes.")
        var seed: UInt64 = 0

        @Flag(help: "Print the time spent in each drawing layer, JPEG encoding and writing.")
        var profile = false

        func validate() throws {
            guard images >= 1 else { throw ValidationError("--images must be at least 1, got \(images)") }
        }

        func run() throws {
            let folder = URL(fileURLWithPath: directory)
            print("Writing SYNTHETIC data (procedurally drawn scenes, not real MIML photos): \(images) images, seed \(seed) -> \(folder.path)")
            let interactive = isatty(STDOUT_FILENO) != 0
            let start = Date()
            let summary = try SyntheticMIML.generate(into: folder, count: images, seed: seed, profile: profile) { done in
                if interactive, done % 50 == 0 || done == images {
                    let rate = Double(done) / max(Date().timeIntervalSince(start), 1e-9)
                    let line = "\r  \(done)/\(images) images, \(String(format: "%.0f", rate)) images/s"
                    FileHandle.standardOutput.write(Data(line.utf8))
                }
            }
            if interactive { print("") }
            let seconds = Date().timeIntervalSince(start)
            let c = SceneLabels.classNames.count
            let counts = LabelledImages.classCounts(summary.targets, classCount: c)
            let mean = Double(counts.reduce(0, +)) / Double(summary.images)
            print(String(format: "Wrote %d images in %.1f s (%.0f images/s); JPEG %.1f KB mean (%.1f-%.1f KB)",
                         summary.images, seconds, Double(summary.images) / max(seconds, 1e-9),
                         Double(summary.jpegBytes) / Double(summary.images) / 1024,
                         Double(summary.smallestJPEG) / 1024, Double(summary.largestJPEG) / 1024))
            print("Classes: " + zip(SceneLabels.classNames, counts).map { "\($0) \($1)" }.joined(separator: ", ")
                  + String(format: "; %.3f labels per image", mean))
            for (name, seconds) in summary.steps {
                print("  " + name.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%7.2f s", seconds))
            }
            print("Marked as synthetic in \(folder.appendingPathComponent(SyntheticMarker.fileName).path)")
        }
    }

    /// `sweep data inspect PATH`.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a data set (a MIML folder or a CSV file) and summarise its labels; exits non-zero when invalid.",
            discussion: """
                Every image is checked for existence and a JPEG or PNG header, then decoded (with \
                progress on a terminal) unless --quick. The report ends with what the labels mean \
                for a sweep (images without labels, classes without images, rare classes: their \
                effect on pos_weight: auto, the split and ROC AUC).

                CSV data sets: a header first; image paths relative to the CSV's folder.
                One 0/1 column per class (0, 1, 0.0 or 1.0):
                  filename,desert,sea,trees
                  img/1.jpg,1,0,1
                or each image's labels, separated by spaces or ';' (an empty cell: no
                label; the classes are every label used, sorted):
                  filename,labels
                  img/1.jpg,desert trees
                Fields holding commas or quotes are quoted as RFC 4180 says ("a, b.jpg").
                """)

        @Argument(help: "A MIML folder (holding `miml data.mat` and `original_images/`) or a .csv file.")
        var path: String

        @Option(help: "How many problems to list.")
        var maxProblems = DataSets.defaultProblemLimit

        @Flag(help: "Only read the image headers; do not decode the images.")
        var quick = false

        func run() throws {
            var scan = DataSets.scan(path, problemLimit: max(1, maxProblems))
            var decoded: Int?
            if !quick, let dataset = scan.dataset {
                let interactive = isatty(STDERR_FILENO) != 0
                let total = dataset.count
                let problems = DecodeCheck.problems(dataset, streams: ProcessInfo.processInfo.activeProcessorCount) { done in
                    if interactive, done % 25 == 0 || done == total {
                        FileHandle.standardError.write(Data("\rdecoding images: \(done)/\(total)".utf8))
                    }
                }
                if interactive && total > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
                scan.add(problems, limit: max(1, maxProblems))
                decoded = total - problems.count
            }
            print(InspectionReport.text(scan, decoded: decoded))
            if !scan.isValid { throw ExitCode(1) }
        }
    }
}

/// The text `sweep data inspect` prints.
enum InspectionReport {
    /// - Parameter decoded: images that decoded, nil when they were not decoded (`--quick`).
    static func text(_ scan: DataSetScan, decoded: Int? = nil) -> String {
        var lines: [String] = []
        let format = switch scan.format {
        case .miml: "MIML folder"
        case .csv: "CSV data set"
        case nil: "unknown format"
        }
        lines.append("data set: \(scan.path) (\(format))")
        if let d = scan.dataset {
            if d.isSynthetic { lines.append("SYNTHETIC: \(d.origin)") }
            lines.append("labels file: \(d.labelsFile.path)")
            let im = scan.images
            lines.append(im.listed == d.count ? "images: \(d.count)"
                         : "images: \(im.listed) listed, \(d.count) usable (the others have problems, listed below)")
            if im.checked > 0 {
                let kinds = im.png == 0 ? "JPEG" : im.png == im.checked ? "PNG" : "\(im.checked - im.png) JPEG, \(im.png) PNG"
                lines.append(String(format: "  headers read: %d (%@); sizes %d-%d x %d-%d; %.1f MB in all (%.1f KB mean)",
                                    im.checked, kinds, im.minWidth, im.maxWidth, im.minHeight, im.maxHeight,
                                    Double(im.totalBytes) / 1_048_576, Double(im.totalBytes) / Double(im.checked) / 1024))
            }
            lines.append(decoded.map { "  decoded: \($0) of \(d.count)" } ?? "  decoded: not checked (--quick)")
            lines.append("classes: \(d.classCount)")
            let width = d.classNames.map(\.count).max() ?? 0
            for (name, count) in zip(d.classNames, d.classCounts) {
                let share = d.count > 0 ? 100 * Double(count) / Double(d.count) : 0
                lines.append("  " + name.padding(toLength: width, withPad: " ", startingAt: 0)
                             + String(format: " %6d  (%.1f%%)", count, share))
            }
            lines.append(String(format: "labels per image: %.3f mean", d.labelCardinality))
            for (k, n) in d.cardinalityHistogram.enumerated() where n > 0 || k <= 3 {
                lines.append(String(format: "  %d label%@: %6d", k, k == 1 ? " " : "s", n))
            }
            let notes = LabelAdvice.notes(d)
            lines.append(notes.isEmpty ? "notes: none" : "notes (what these labels mean for a sweep):")
            lines += notes.map { "  - \($0)" }
            lines.append("synthetic: \(d.isSynthetic ? "yes" : "no")")
        }
        if scan.totalProblems == 0 {
            lines.append("problems: none")
        } else {
            lines.append("problems: \(scan.totalProblems)" + (scan.totalProblems > scan.problems.count ? " (first \(scan.problems.count) listed)" : ""))
            lines += scan.problems.map { "  \($0)" }
        }
        lines.append("valid: \(scan.isValid ? "yes" : "NO")")
        return lines.joined(separator: "\n")
    }
}
