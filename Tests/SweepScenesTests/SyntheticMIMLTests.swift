import XCTest
import SweepData
@testable import SweepScenes

final class SyntheticMIMLTests: XCTestCase {
    /// MIML's published statistics (REFERENCE.md): per-class counts per 2000 images.
    let mimlCounts = [409, 458, 580, 465, 560]

    func testLabelSetTableAddsUpToMIML() {
        var perClass = [Int](repeating: 0, count: 5)
        var perCardinality = [Int](repeating: 0, count: 4)
        for (labels, count) in SceneLabels.labelSetsPer2000 {
            for k in labels { perClass[k] += count }
            perCardinality[labels.count] += count
        }
        XCTAssertEqual(perClass, mimlCounts)
        XCTAssertEqual(perCardinality, [0, 1543, 442, 15])  // 1.236 labels per image
        XCTAssertEqual(Set(SceneLabels.labelSetsPer2000.map(\.labels)).count, SceneLabels.labelSetsPer2000.count)
    }

    func testDrawnLabelStatisticsOnAFewHundredImages() {
        // Each label set's quota is within 1 of n * its share and a class is in at most 8 of the
        // 19 sets, so each class count is within 8 of n * MIML's share; the mean number of
        // labels per image must stay within 0.03 of MIML's 1.236.
        for (n, seed) in [(300, UInt64(1)), (500, 2), (2000, 3)] {
            var rng = SeededRandom(seed: seed)
            let sets = SceneLabels.draw(count: n, rng: &rng)
            XCTAssertEqual(sets.count, n)
            var perClass = [Int](repeating: 0, count: 5)
            for s in sets { for k in s { perClass[k] += 1 } }
            for k in 0..<5 {
                XCTAssertEqual(Double(perClass[k]), Double(n * mimlCounts[k]) / 2000, accuracy: 8, "class \(k), n \(n)")
            }
            let mean = Double(perClass.reduce(0, +)) / Double(n)
            XCTAssertEqual(mean, 1.236, accuracy: 0.03, "n \(n)")
            XCTAssertTrue(sets.allSatisfy { (1...3).contains($0.count) })
            if n == 2000 { XCTAssertEqual(perClass, mimlCounts) }
        }
    }

    func testSameSeedSameBytesOtherSeedOtherImages() throws {
        let root = try temporaryFolder(self)
        let a = root.appendingPathComponent("a"), b = root.appendingPathComponent("b"), c = root.appendingPathComponent("c")
        _ = try SyntheticMIML.generate(into: a, count: 3, seed: 5)
        _ = try SyntheticMIML.generate(into: b, count: 3, seed: 5)
        _ = try SyntheticMIML.generate(into: c, count: 3, seed: 6)
        for name in ["miml data.mat", "SYNTHETIC.txt", "original_images/1.jpg", "original_images/2.jpg", "original_images/3.jpg"] {
            let da = try Data(contentsOf: a.appendingPathComponent(name)), db = try Data(contentsOf: b.appendingPathComponent(name))
            XCTAssertEqual(da, db, name)
        }
        for i in 1...3 {
            let name = "original_images/\(i).jpg"
            XCTAssertNotEqual(try Data(contentsOf: a.appendingPathComponent(name)), try Data(contentsOf: c.appendingPathComponent(name)), name)
        }
    }

    func testRefusesAFolderWithARealLookingMat() throws {
        let folder = try temporaryFolder(self)
        try write("pretend MIML", to: folder.appendingPathComponent(MIMLReader.matFileName))
        XCTAssertThrowsError(try SyntheticMIML.generate(into: folder, count: 1, seed: 0)) { error in
            XCTAssertTrue(String(describing: error).contains("refusing to overwrite"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent(MIMLReader.matFileName), encoding: .utf8), "pretend MIML")
    }

    func testRegeneratingReplacesAPreviousSyntheticFolder() throws {
        let folder = try temporaryFolder(self).appendingPathComponent("s")
        _ = try SyntheticMIML.generate(into: folder, count: 4, seed: 1)
        _ = try SyntheticMIML.generate(into: folder, count: 2, seed: 1)
        let scan = DataSets.scan(folder.path)
        XCTAssertEqual(scan.problems, [])
        XCTAssertEqual(scan.dataset?.count, 2)
    }

    func testMarkerTextSaysSynthetic() {
        let text = SyntheticMarker.text(seed: 4, images: 10, generator: SyntheticMIML.generatorName)
        XCTAssertTrue(text.hasPrefix("SYNTHETIC DATA"))
        XCTAssertTrue(text.contains("seed: 4"))
    }

    func testInstanceFeaturesOfAUniformImage() {
        // A uniform colour has that colour as every blob mean and zero neighbour differences.
        let canvas = SceneCanvas(width: 40, height: 24)
        for y in 0..<24 { for x in 0..<40 { canvas.set(x, y, RGB(0.25, 0.5, 0.75)) } }
        let f = InstanceFeatures.sbn(canvas)
        XCTAssertEqual(f.count, 9 * 15)
        for r in 0..<9 {
            XCTAssertEqual(f[r * 15], 0.25, accuracy: 1e-6)
            XCTAssertEqual(f[r * 15 + 1], 0.5, accuracy: 1e-6)
            XCTAssertEqual(f[r * 15 + 2], 0.75, accuracy: 1e-6)
            for k in 3..<15 { XCTAssertEqual(f[r * 15 + k], 0, accuracy: 1e-6) }
        }
    }

    func testInstanceFeaturesSeeAVerticalGradient() {
        // Brightness rising downwards: the blob minus the blob above is positive, minus below negative.
        let canvas = SceneCanvas(width: 16, height: 16)
        for y in 0..<16 { for x in 0..<16 { canvas.set(x, y, RGB(repeating: Float(y) / 15)) } }
        let f = InstanceFeatures.sbn(canvas)
        for r in 0..<9 {
            XCTAssertGreaterThan(f[r * 15 + 3], 0)   // minus above
            XCTAssertLessThan(f[r * 15 + 6], 0)      // minus below
            XCTAssertEqual(f[r * 15 + 9], 0, accuracy: 1e-9)   // minus left
            XCTAssertEqual(f[r * 15 + 12], 0, accuracy: 1e-9)  // minus right
        }
    }
}
