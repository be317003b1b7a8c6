import CMatio
import Foundation

/// Reads the MIML natural-scene layout (Zhou & Zhang, LAMDA group): `miml data.mat` with
/// `class_name` (C x 1 cell of char row vectors) and `targets` (C x N double, +1/-1), beside
/// `original_images/1.jpg ... N.jpg`; column j of `targets` labels image j+1 (numeric order,
/// not lexicographic). Other variables (MIML's `bags` instance features) are ignored.
public enum MIMLReader {
    /// The labels file's name inside a MIML folder.
    public static let matFileName = "miml data.mat"
    /// The image folder's name inside a MIML folder.
    public static let imageFolderName = "original_images"

    /// Reads and checks the MIML folder `folder` (`path` is how the caller named it).
    static func scan(folder: URL, path: String, problemLimit: Int) -> DataSetScan {
        var log = ProblemLog(limit: problemLimit)
        var checker = ImageChecker()
        let dataset = readLabels(folder: folder, log: &log)
        if let dataset {
            checkImages(dataset, log: &log, checker: &checker)
        }
        return DataSetScan(path: path, format: .miml, dataset: dataset, log: log, images: checker.stats)
    }

    /// The labels of `folder` with the image list they imply; nil after a problem that
    /// leaves nothing to check (missing/unreadable `.mat`, bad `class_name` or `targets`).
    static func readLabels(folder: URL, log: inout ProblemLog) -> LabelledImages? {
        let matURL = folder.appendingPathComponent(matFileName)
        let mat = matURL.path
        guard FileManager.default.fileExists(atPath: mat) else {
            log.add(DataProblem(.missingFile, file: mat, "missing: a MIML folder holds its labels in `\(matFileName)`"))
            return nil
        }
        guard let file = MatFile.open(mat) else {
            log.add(DataProblem(.unreadableFile, file: mat, "libmatio cannot read it as a MATLAB .mat file"))
            return nil
        }
        guard let names = readClassNames(file, log: &log) else { return nil }
        guard let (n, targets) = readTargets(file, classNames: names, log: &log) else { return nil }
        let paths = (1...n).map { "\(imageFolderName)/\($0).jpg" }
        let synthetic = SyntheticMarker.read(in: folder)
        return LabelledImages(format: .miml, root: folder, labelsFile: matURL, classNames: names,
                              imagePaths: paths, targets: targets, isSynthetic: synthetic != nil,
                              origin: synthetic ?? "MIML folder \(folder.path)")
    }

    /// `class_name`: a C x 1 (or 1 x C) cell of non-empty, distinct char row vectors.
    static func readClassNames(_ file: MatFile, log: inout ProblemLog) -> [String]? {
        guard let variable = file.read("class_name") else {
            log.add(DataProblem(.missingVariable, file: file.path, "no variable `class_name` (the class names)"))
            return nil
        }
        let v = variable.view
        guard v.classType == MAT_C_CELL else {
            log.add(DataProblem(.wrongType, file: file.path, "`class_name` is a \(v.summary); expected a cell of char row vectors"))
            return nil
        }
        let dims = v.dims
        guard dims.count == 2, dims.contains(1), v.elementCount >= 1 else {
            log.add(DataProblem(.wrongShape, file: file.path, "`class_name` is a \(v.summary); expected C x 1"))
            return nil
        }
        var names: [String] = []
        for i in 0..<v.elementCount {
            guard let element = v.cell(i), let text = element.text() else {
                let found = v.cell(i)?.summary ?? "nothing"
                log.add(DataProblem(.wrongType, file: file.path, "`class_name{\(i + 1)}` is \(found); expected a char row vector"))
                return nil
            }
            guard element.dims.count == 2, element.dims[0] == 1 || element.elementCount == 0 else {
                log.add(DataProblem(.wrongShape, file: file.path, "`class_name{\(i + 1)}` is a \(element.summary); expected 1 x length"))
                return nil
            }
            let name = text.trimmingCharacters(in: .whitespaces)
            if name.isEmpty {
                log.add(DataProblem(.badClassName, file: file.path, "`class_name{\(i + 1)}` is empty"))
                return nil
            }
            if let first = names.firstIndex(of: name) {
                log.add(DataProblem(.badClassName, file: file.path, "`class_name{\(i + 1)}` repeats `\(name)` (also entry \(first + 1))"))
                return nil
            }
            names.append(name)
        }
        return names
    }

    /// `targets`: C x N real double of +1/-1. Returns N and the (N, C) 0/1 targets; values other
    /// than +/-1 are logged (and read as 0) so every bad cell is reported.
    static func readTargets(_ file: MatFile, classNames: [String], log: inout ProblemLog) -> (Int, [UInt8])? {
        let c = classNames.count
        guard let variable = file.read("targets") else {
            log.add(DataProblem(.missingVariable, file: file.path, "no variable `targets` (the labels, \(c) x N of +1/-1)"))
            return nil
        }
        let v = variable.view
        guard let values = v.doubles() else {
            log.add(DataProblem(.wrongType, file: file.path, "`targets` is a \(v.isComplexOrSparse ? "complex or sparse " : "")\(v.summary); expected a real double matrix of +1/-1"))
            return nil
        }
        let dims = v.dims
        guard dims.count == 2, dims[0] == c, dims[1] >= 1 else {
            log.add(DataProblem(.wrongShape, file: file.path, "`targets` is \(v.summary); expected \(c) x N (one row per class in `class_name`, one column per image)"))
            return nil
        }
        let n = dims[1]
        var targets = [UInt8](repeating: 0, count: n * c)
        for j in 0..<n {
            for k in 0..<c {
                let value = values[j * c + k]  // column-major: (k, j)
                if value == 1 {
                    targets[j * c + k] = 1
                } else if value != -1 {
                    log.add(DataProblem(.badTarget, file: file.path,
                                        "`targets(\(k + 1),\(j + 1))` = \(value) (class \(classNames[k]), image \(j + 1).jpg); expected +1 or -1"))
                }
            }
        }
        return (n, targets)
    }

    /// Checks that `original_images` holds exactly N JPEG files and that each `i.jpg` is a JPEG.
    static func checkImages(_ dataset: LabelledImages, log: inout ProblemLog, checker: inout ImageChecker) {
        let folder = dataset.root.appendingPathComponent(imageFolderName)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            log.add(DataProblem(.missingFile, file: folder.path, "missing: a MIML folder holds its images in `\(imageFolderName)/`"))
            return
        }
        let jpegs = entries.filter { $0.lowercased().hasSuffix(".jpg") || $0.lowercased().hasSuffix(".jpeg") }
        if jpegs.count != dataset.count {
            log.add(DataProblem(.imageCount, file: folder.path,
                                "holds \(jpegs.count) JPEG files but `targets` in `\(matFileName)` has \(dataset.count) columns (images)"))
        }
        for i in 0..<dataset.count {
            checker.check(dataset.imageURL(i), name: dataset.imagePaths[i], labelsFile: nil, log: &log)
        }
    }
}

extension MatView {
    /// True for complex or sparse arrays (which `doubles()` refuses).
    var isComplexOrSparse: Bool { pointer.pointee.isComplex != 0 || classType == MAT_C_SPARSE }
}
