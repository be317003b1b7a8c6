import Foundation

/// The result of reading and checking a data set: what could be read, and what is wrong.
public struct DataSetScan: Sendable {
    /// The path as given.
    public var path: String
    /// The layout detected (nil when the path is neither a MIML folder nor a CSV file).
    public var format: LabelledImages.Format?
    /// The labels and image list, when the labels file itself could be read.
    public var dataset: LabelledImages?
    /// The first problems found, in the order found.
    public var problems: [DataProblem]
    /// How many problems were found in total.
    public var totalProblems: Int
    /// What the image headers said.
    public var images: ImageHeaderStats

    /// True when the data set can be used: labels read and no problem found.
    public var isValid: Bool { dataset != nil && totalProblems == 0 }

    /// Adds problems found later (e.g. by `DecodeCheck`), listing at most `limit` in all.
    public mutating func add(_ more: [DataProblem], limit: Int) {
        totalProblems += more.count
        problems += more.prefix(max(0, limit - problems.count))
    }

    /// The data set, or a `DataSetError` listing the problems.
    public func validDataSet() throws(DataSetError) -> LabelledImages {
        guard let dataset, totalProblems == 0 else {
            throw DataSetError(path: path, problems: problems, totalProblems: totalProblems)
        }
        return dataset
    }

    init(path: String, format: LabelledImages.Format?, dataset: LabelledImages?, log: ProblemLog,
         images: ImageHeaderStats) {
        self.path = path
        self.format = format
        self.dataset = dataset
        self.problems = log.problems
        self.totalProblems = log.total
        self.images = images
    }
}

/// Opening data sets by path, whatever their layout.
public enum DataSets {
    /// How many problems a scan lists before only counting them.
    public static let defaultProblemLimit = 20

    /// Reads and checks the data set at `path`: a MIML folder (or its `miml data.mat`) or a
    /// `.csv` file, or (when `format` is given) that layout whatever the name. Every image is
    /// checked for existence and a JPEG or PNG header; none is decoded (see `DecodeCheck`).
    public static func scan(_ path: String, format: LabelledImages.Format? = nil,
                            problemLimit: Int = defaultProblemLimit) -> DataSetScan {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        if format == .csv {
            return CSVDataSetReader.scan(csv: url, path: path, problemLimit: problemLimit)
        }
        if exists && isDirectory.boolValue {
            return MIMLReader.scan(folder: url, path: path, problemLimit: problemLimit)
        }
        if url.lastPathComponent == MIMLReader.matFileName {
            return MIMLReader.scan(folder: url.deletingLastPathComponent(), path: path, problemLimit: problemLimit)
        }
        if url.pathExtension.lowercased() == "csv" && format == nil {
            return CSVDataSetReader.scan(csv: url, path: path, problemLimit: problemLimit)
        }
        var log = ProblemLog(limit: problemLimit)
        if exists {
            log.add(DataProblem(.unreadableFile, file: path,
                                "not a data set: expected a MIML folder (holding `\(MIMLReader.matFileName)`) or a .csv file"))
        } else {
            log.add(DataProblem(.missingFile, file: path, "no such file or folder"))
        }
        return DataSetScan(path: path, format: nil, dataset: nil, log: log, images: ImageHeaderStats())
    }

    /// The valid data set at `path`, or a `DataSetError` naming its first problems.
    public static func load(_ path: String, format: LabelledImages.Format? = nil,
                            problemLimit: Int = defaultProblemLimit) throws(DataSetError) -> LabelledImages {
        try scan(path, format: format, problemLimit: problemLimit).validDataSet()
    }
}
