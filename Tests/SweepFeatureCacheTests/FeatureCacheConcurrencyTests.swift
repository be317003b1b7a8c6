import Foundation
import XCTest
import SweepData
@testable import SweepFeatureCache
import SweepTestSupport

/// An extractor that blocks in its first `extract` call until released, so a test can order
/// two threads deterministically.
final class GatedExtractor: FeatureExtractor, @unchecked Sendable {
    let inner: FakeFeatureExtractor
    let entered = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    private var first = true
    init(_ inner: FakeFeatureExtractor) { self.inner = inner }
    var identity: String { inner.identity }
    var featureCount: Int { inner.featureCount }
    var batchSize: Int { inner.batchSize }
    func extract(paths: [String], into output: UnsafeMutablePointer<Float>) throws {
        if first {
            first = false
            entered.signal()
            release.wait()
        }
        try inner.extract(paths: paths, into: output)
    }
}

/// Locking between builders of the same cache.
final class FeatureCacheConcurrencyTests: FeatureCacheTestCase {
    func testFlockOnTwoOpensInOneProcessExcludeEachOther() throws {
        try FileManager.default.createDirectory(at: cacheDir, withIntermediateDirectories: true)
        let path = cacheDir.appendingPathComponent("k.lock").path
        let a = try FileLock(path: path)
        var b: FileLock? = try FileLock(path: path)
        XCTAssertTrue(try a.tryLock())
        XCTAssertFalse(try XCTUnwrap(b).tryLock(), "a second open file description must not get the lock")
        a.unlock()
        XCTAssertTrue(try XCTUnwrap(b).tryLock())
        XCTAssertFalse(try a.tryLock())
        b = nil  // closing the descriptor releases the lock
        XCTAssertTrue(try a.tryLock())
    }

    func testSecondThreadWaitsThenReadsTheFinishedCache() throws {
        let images = try makeImages(12)
        let cache = FeatureCache(directory: cacheDir)
        let a = GatedExtractor(FakeFeatureExtractor(batchSize: 2))
        let b = FakeFeatureExtractor(batchSize: 2)
        let bWaiting = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        nonisolated(unsafe) var resultA: Result<[Float], Error>?
        nonisolated(unsafe) var resultB: Result<[Float], Error>?
        nonisolated(unsafe) var eventsB: [FeatureCacheEvent] = []

        done.enter()
        Thread.detachNewThread {
            resultA = Result { allValues(try cache.features(for: images, extractor: a)) }
            done.leave()
        }
        XCTAssertEqual(a.entered.wait(timeout: .now() + 30), .success, "A holds the lock and is extracting")
        done.enter()
        Thread.detachNewThread {
            resultB = Result {
                allValues(try cache.features(for: images, extractor: b) { event in
                    eventsB.append(event)
                    if case .waitingForLock = event { bWaiting.signal() }
                })
            }
            done.leave()
        }
        XCTAssertEqual(bWaiting.wait(timeout: .now() + 30), .success, "B must wait for A's lock")
        a.release.signal()
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)

        let expected = try expectedFeatures(images, extractor: b)
        XCTAssertEqual(try XCTUnwrap(resultA).get(), expected)
        XCTAssertEqual(try XCTUnwrap(resultB).get(), expected)
        XCTAssertEqual(a.inner.extractedPaths, images)
        XCTAssertEqual(b.calls, 0, "B read A's cache instead of extracting")
        let key = try FeatureCacheKey(imagePaths: images, identity: b.identity, featureCount: 16).value
        XCTAssertEqual(eventsB, [.waitingForLock(key: key), .reused(key: key)])
    }

    func testManyThreadsExtractOnce() throws {
        let images = try makeImages(10)
        let cache = FeatureCache(directory: cacheDir)
        let extractors = (0..<4).map { _ in FakeFeatureExtractor(batchSize: 3, delayPerBatch: 0.01) }
        nonisolated(unsafe) var results = [[Float]](repeating: [], count: 4)
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            results[i] = (try? allValues(cache.features(for: images, extractor: extractors[i]))) ?? []
        }
        let expected = try expectedFeatures(images, extractor: extractors[0])
        for r in results { XCTAssertEqual(r, expected) }
        XCTAssertEqual(extractors.map(\.extractedPaths.count).reduce(0, +), 10, "exactly one extraction in total")
    }
}

/// All values of a mapped cache, row-major (free function: usable from @Sendable closures).
private func allValues(_ f: CachedFeatures) -> [Float] {
    Array(UnsafeBufferPointer(start: f.pointer, count: f.rows * f.columns))
}
