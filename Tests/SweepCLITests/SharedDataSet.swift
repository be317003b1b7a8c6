import Foundation

/// The tiny synthetic MIML data set and the feature cache all CLI tests share, made once by
/// the binary itself (`sweep data synth`, then a one-trial `sweep run` that fills the cache).
///
/// `swift test --parallel` runs each test in its own process, so "once" is kept on disk, under
/// `.build/sweep-cli-tests/<binary size-mtime>/`, behind an flock: the first process makes it,
/// the others wait and reuse it; a rebuilt binary gets a fresh folder.
struct SharedDataSet: Sendable {
    /// Absolute path of the MIML folder.
    let dataPath: String
    /// Absolute path of the feature cache (`backbone.cache`).
    let cachePath: String
    /// Absolute paths of the images, in data-set order.
    let images: [String]

    static let imageCount = 40
    static let classNames = ["desert", "mountains", "sea", "sunset", "trees"]

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Made once per test process.
    static let shared: Result<SharedDataSet, any Error> = Result { try make() }

    static func make() throws -> SharedDataSet {
        let binary = try SweepBinary.path()
        let stale = SweepBinary.newerSources(than: binary)
        if !stale.isEmpty {
            print("warning: \(binary) is older than \(stale.count) source file(s) (e.g. \(stale[0])); "
                  + "these tests run the old binary. `make test` rebuilds it first.")
        }
        let fm = FileManager.default
        let base = SweepBinary.packageRoot.appendingPathComponent(".build/sweep-cli-tests")
        try fm.createDirectory(at: base, withIntermediateDirectories: true)
        let attributes = try fm.attributesOfItem(atPath: binary)
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let mtime = Int((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        let folder = base.appendingPathComponent("\(size)-\(mtime)")
        let data = folder.appendingPathComponent("miml")
        let cache = folder.appendingPathComponent("cache")
        let ready = folder.appendingPathComponent("READY")

        let fd = open(base.appendingPathComponent(".lock").path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw Failure(description: "cannot open the lock in \(base.path)") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw Failure(description: "cannot lock \(base.path)/.lock") }
        defer { flock(fd, LOCK_UN) }

        if !fm.fileExists(atPath: ready.path) {
            // Folders of older binaries go; so does a half-made one of this binary.
            for name in (try? fm.contentsOfDirectory(atPath: base.path)) ?? [] where !name.hasPrefix(".") {
                try? fm.removeItem(at: base.appendingPathComponent(name))
            }
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            let synth = try BinaryRun(binary: binary, arguments: ["data", "synth", data.path, "--images", "\(imageCount)", "--seed", "7"],
                                      in: folder, logs: folder.appendingPathComponent("logs"), environment: [:])
                .wait(timeout: 300)
            guard synth.status == 0, !synth.signaled else {
                throw Failure(description: "`sweep data synth` failed (\(synth.statusText)): \(synth.stderr)")
            }
            // One short trial fills the feature cache, so later sweeps only read it.
            let warm = folder.appendingPathComponent("warm")
            try fm.createDirectory(at: warm, withIntermediateDirectories: true)
            var file = SweepFileText(name: "warm", dataPath: data.path, cachePath: cache.path)
            file.epochs = 1
            file.grid = [("lr", "[0.001]")]
            try file.text.write(to: warm.appendingPathComponent("warm.yaml"), atomically: true, encoding: .utf8)
            let run = try BinaryRun(binary: binary, arguments: ["run", "warm.yaml"], in: warm,
                                    logs: warm.appendingPathComponent("logs"), environment: CLITestCase.noImageNet(under: warm))
                .wait(timeout: 900)
            guard run.status == 0, !run.signaled, run.stderr.contains("features: done, \(imageCount) images extracted") else {
                throw Failure(description: "the warm-up `sweep run` failed to fill the feature cache (\(run.statusText)):\n\(run.stderr)")
            }
            try Data().write(to: ready)
        }
        let images = (1...imageCount).map { data.appendingPathComponent("original_images/\($0).jpg").path }
        return SharedDataSet(dataPath: data.path, cachePath: cache.path, images: images)
    }
}
