import Foundation

/// A multi-label image data set: image files and their 0/1 targets.
public struct LabelledImages: Sendable, Equatable {
    /// The on-disk layout the data set was read from.
    public enum Format: String, Sendable, Codable {
        /// A MIML folder: `miml data.mat` beside `original_images/1.jpg ... N.jpg`.
        case miml
        /// A CSV file `filename,<label>,...` with paths relative to its folder.
        case csv
    }

    /// The layout read.
    public var format: Format
    /// The folder image paths are relative to (the MIML folder, or the CSV's folder).
    public var root: URL
    /// The labels file read (`miml data.mat` or the CSV).
    public var labelsFile: URL
    /// Class names, in target column order.
    public var classNames: [String]
    /// Image paths relative to `root` (absolute paths are kept as they are), in target row order.
    public var imagePaths: [String]
    /// Targets, 1 = label present. (N, C) row-major: `targets[i * C + c]`.
    public var targets: [UInt8]
    /// Whether the folder carries the synthetic-data marker (`SYNTHETIC.txt`).
    public var isSynthetic: Bool
    /// Where the data came from, in words (the marker's description for synthetic data).
    public var origin: String

    /// A data set; `targets` is (imagePaths.count, classNames.count) row-major.
    public init(format: Format, root: URL, labelsFile: URL, classNames: [String], imagePaths: [String],
                targets: [UInt8], isSynthetic: Bool, origin: String) {
        self.format = format
        self.root = root
        self.labelsFile = labelsFile
        self.classNames = classNames
        self.imagePaths = imagePaths
        self.targets = targets
        self.isSynthetic = isSynthetic
        self.origin = origin
    }

    /// Number of images N.
    public var count: Int { imagePaths.count }
    /// Number of classes C.
    public var classCount: Int { classNames.count }

    /// The file of image `index` (0-based).
    public func imageURL(_ index: Int) -> URL {
        resolve(imagePaths[index], against: root)
    }

    /// The C targets of image `index` (0-based).
    public func labels(_ index: Int) -> ArraySlice<UInt8> {
        targets[index * classCount ..< (index + 1) * classCount]
    }

    /// Number of images carrying each class. (C)
    public var classCounts: [Int] { Self.classCounts(targets, classCount: classCount) }

    /// `histogram[k]` = number of images with exactly k labels, k = 0 ... C. (C + 1)
    public var cardinalityHistogram: [Int] { Self.cardinalityHistogram(targets, classCount: classCount) }

    /// Mean number of labels per image (0 for an empty set).
    public var labelCardinality: Double {
        count == 0 ? 0 : Double(classCounts.reduce(0, +)) / Double(count)
    }

    /// Per-class positive counts of `targets` (N, C). Returns (C).
    public static func classCounts(_ targets: [UInt8], classCount: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        guard classCount > 0 else { return counts }
        for (k, t) in targets.enumerated() where t != 0 { counts[k % classCount] += 1 }
        return counts
    }

    /// Label-cardinality histogram of `targets` (N, C). Returns (C + 1).
    public static func cardinalityHistogram(_ targets: [UInt8], classCount: Int) -> [Int] {
        var histogram = [Int](repeating: 0, count: classCount + 1)
        guard classCount > 0 else { return histogram }
        for row in stride(from: 0, to: targets.count, by: classCount) {
            var k = 0
            for c in 0..<classCount where targets[row + c] != 0 { k += 1 }
            histogram[k] += 1
        }
        return histogram
    }
}

/// `path` resolved against `folder` unless it is absolute.
func resolve(_ path: String, against folder: URL) -> URL {
    path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
}
