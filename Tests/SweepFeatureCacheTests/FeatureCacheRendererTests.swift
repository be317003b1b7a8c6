import XCTest
import SweepData
@testable import SweepFeatureCache
import SweepTestSupport

/// The terminal renderer: in-place redraws on a TTY, throttled plain lines otherwise.
final class FeatureCacheRendererTests: XCTestCase {
    let key = String(repeating: "ab", count: 32)

    func progress(_ done: Int, at t: Double) -> FeatureCacheEvent {
        .progress(FeatureCacheProgress(done: done, total: 10, doneThisRun: done, elapsedSeconds: t))
    }

    func testProgressNumbers() {
        let p = FeatureCacheProgress(done: 6, total: 10, doneThisRun: 4, elapsedSeconds: 2)
        XCTAssertEqual(p.imagesPerSecond, 2)
        XCTAssertEqual(p.etaSeconds, 2)
        XCTAssertNil(FeatureCacheProgress(done: 6, total: 10, doneThisRun: 0, elapsedSeconds: 0).etaSeconds)
        XCTAssertEqual(FeatureCacheProgressRenderer.describe(p), "features 6/10 (60%)  2.0 img/s  ETA 0:02")
        XCTAssertEqual(FeatureCacheProgressRenderer.duration(3725), "1:02:05")
        XCTAssertEqual(FeatureCacheProgressRenderer.duration(59.6), "1:00")
    }

    func testTerminalRedrawsOneLine() {
        var out = ""
        let r = FeatureCacheProgressRenderer(isTerminal: true) { out += $0 }
        r.handle(.started(key: key, done: 0, total: 10))
        r.handle(progress(4, at: 1))
        r.handle(progress(8, at: 2))
        r.handle(.rebuilding(key: key, reason: "why"))
        r.handle(progress(10, at: 2.5))
        r.handle(.finished(key: key, extractedThisRun: 10, seconds: 2.5))
        XCTAssertEqual(out, """
            features: extracting 10 images into cache abababababab
            \r\u{1B}[2Kfeatures 4/10 (40%)  4.0 img/s  ETA 0:02\r\u{1B}[2Kfeatures 8/10 (80%)  4.0 img/s  ETA 0:01
            warning: feature cache abababababab: why; rebuilding
            \r\u{1B}[2Kfeatures 10/10 (100%)  4.0 img/s  ETA 0:00
            features: done, 10 images extracted (0:03 in total), cache abababababab\n
            """)
    }

    func testPlainOutputIsThrottled() {
        var lines: [String] = []
        let r = FeatureCacheProgressRenderer(isTerminal: false, plainLineInterval: 10) { lines.append($0) }
        r.handle(.started(key: key, done: 2, total: 10))
        for (done, t) in [(3, 0.5), (4, 3.0), (5, 10.6), (6, 11.0), (7, 20.7), (10, 21.0)] { r.handle(progress(done, at: t)) }
        XCTAssertEqual(lines.map { String($0.prefix(16)) }, [
            "features: extrac", "features 3/10 (3", "features 5/10 (5", "features 7/10 (7", "features 10/10 (",
        ])
        XCTAssertTrue(lines.allSatisfy { $0.hasSuffix("\n") && !$0.contains("\r") })
        XCTAssertTrue(lines[0].hasSuffix("resuming after 2 already done\n"))
    }
}
