import Foundation
import SweepVision

/// Decodes every image of a data set as feature extraction will (JPEG or PNG, to RGB), so that
/// `sweep data inspect` finds what the header probe cannot: truncated or corrupt image data.
public enum DecodeCheck {
    /// The images that fail to decode, in data-set order, each naming the file and why. Images
    /// that are missing or have no JPEG/PNG header are left out: the scan has reported them.
    ///
    /// - Parameters:
    ///   - streams: images decoded at once.
    ///   - progress: called with the number of images done so far (from any thread).
    public static func problems(_ dataset: LabelledImages, streams: Int,
                                progress: @Sendable (Int) -> Void = { _ in }) -> [DataProblem] {
        let n = dataset.count
        let results = LockedSlots<String>(count: n)
        let chunk = 16
        let chunks = (n + chunk - 1) / chunk
        let done = Counter()
        DispatchQueue.concurrentPerform(iterations: max(1, min(streams, chunks))) { worker in
            var c = worker
            while c < chunks {
                for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                    guard case .success = JPEGProbe.probe(dataset.imageURL(i)) else {
                        progress(done.increment())
                        continue
                    }
                    do throws(ImageError) {
                        _ = try ImageDecoder.decode(fileAt: dataset.imageURL(i).path)
                    } catch {
                        results.set(i, error.reason)
                    }
                    progress(done.increment())
                }
                c += max(1, min(streams, chunks))
            }
        }
        return (0..<n).compactMap { i in
            guard let reason = results[i] else { return nil }
            return DataProblem(.badImage, file: dataset.imageURL(i).path, "does not decode: \(reason)")
        }
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func increment() -> Int { lock.withLock { value += 1; return value } }
    }
}
