import XCTest
import Foundation
import SweepPluginAPI
import SweepStandardPlugins
import SweepTensor
import SweepTrain

/// The `bce` plugin against the textbook formula, finite differences and its parameter rules.
final class BCEWithLogitsLossTests: XCTestCase {
    let names = ["desert", "mountains", "sea", "sunset", "trees"]

    func make(_ value: ParameterValue?, positives: [Int] = [2, 1, 3, 1, 2], samples: Int = 4) throws -> BCEWithLogitsLoss {
        let given: [String: ParameterValue] = value.map { ["pos_weight": $0] } ?? [:]
        let parameters = try PluginParameters(resolving: given, against: BCEWithLogitsLoss.parameters, plugin: "bce")
        return try BCEWithLogitsLoss(parameters: parameters, context: LossContext(classNames: names, positives: positives, samples: samples))
    }

    func evaluate(_ loss: BCEWithLogitsLoss, _ logits: [Float], _ targets: [Float], rows: Int,
                  gradient: inout [Float]) -> Double {
        logits.withUnsafeBufferPointer { l in
            targets.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { loss.loss(logits: l, targets: t, rows: rows, columns: 5, gradient: $0) }
            }
        }
    }

    let logits: [Float] = [-2.5, 0.3, 1.7, -0.4, 4.0, 0.0, -1.1, 2.2, 3.3, -3.0]
    let targets: [Float] = [1, 0, 1, 0, 1, 0, 1, 1, 0, 0]

    func testValueMatchesTheTextbookFormula() throws {
        let loss = try make(.numbers([2, 0.5, 1, 3, 1.5]))
        var g = [Float](repeating: 0, count: 10)
        let value = evaluate(loss, logits, targets, rows: 2, gradient: &g)
        var expected = 0.0
        for i in 0..<10 {
            let x = Double(logits[i]), y = Double(targets[i]), w = Double(loss.positiveWeights[i % 5])
            let p = 1 / (1 + exp(-x))
            expected += -(w * y * log(p) + (1 - y) * log(1 - p))
        }
        XCTAssertEqual(value, expected / 10, accuracy: 1e-12)
    }

    func testGradientMatchesFiniteDifferences() throws {
        let loss = try make(.string("auto"))
        var g = [Float](repeating: 0, count: 10), scratch = g
        _ = evaluate(loss, logits, targets, rows: 2, gradient: &g)
        for i in 0..<10 {
            let h: Float = 1.0 / 256
            var up = logits, down = logits
            up[i] += h
            down[i] -= h
            let numeric = (evaluate(loss, up, targets, rows: 2, gradient: &scratch)
                - evaluate(loss, down, targets, rows: 2, gradient: &scratch)) / (2 * Double(h))
            XCTAssertEqual(Double(g[i]), numeric, accuracy: 1e-5 * max(1, abs(numeric)), "cell \(i)")
        }
    }

    func testExtremeLogitsStayFinite() throws {
        let loss = try make(.string("none"))
        var g = [Float](repeating: 0, count: 5)
        let value = evaluate(loss, [-200, 200, -200, 200, 0], [1, 0, 0, 1, 1], rows: 1, gradient: &g)
        XCTAssertEqual(value, (200 + 200 + 0 + 0 + log(2.0)) / 5, accuracy: 1e-9)
        XCTAssertEqual(g, [-0.2, 0.2, 0, 0, -0.1])
    }

    func testPositiveWeightChoices() throws {
        // auto: negatives / positives of the training split, per class
        XCTAssertEqual(try make(nil).positiveWeights, [1, 3, Float(1.0 / 3.0), 3, 1])
        XCTAssertEqual(try make(.string("none")).positiveWeights, [1, 1, 1, 1, 1])
        XCTAssertEqual(try make(.number(2.5)).positiveWeights, [2.5, 2.5, 2.5, 2.5, 2.5])
        XCTAssertEqual(try make(.numbers([1, 2, 3, 4, 5])).positiveWeights, [1, 2, 3, 4, 5])
        XCTAssertThrowsError(try make(.string("auto"), positives: [2, 1, 0, 1, 2])) {
            XCTAssertTrue("\($0)".contains("'sea'"), "\($0)")
        }
        XCTAssertThrowsError(try make(.numbers([1, 2]))) { XCTAssertTrue("\($0)".contains("2 weights for 5 classes"), "\($0)") }
        XCTAssertThrowsError(try make(.numbers([1, 2, -1, 4, 5]))) { XCTAssertTrue("\($0)".contains("'sea'"), "\($0)") }
        XCTAssertThrowsError(try make(.string("balanced")))
    }

    func testMismatchedColumnsGiveNaNNotACrash() throws {
        let loss = try make(nil)
        let value = [Float](repeating: 0, count: 4).withUnsafeBufferPointer { l in
            loss.loss(logits: l, targets: l, rows: 1, columns: 4, gradient: nil)
        }
        XCTAssertTrue(value.isNaN)
    }

    /// The positive counts of `targets` over `train` as a trial hands them to the loss.
    func autoLoss(targets: [UInt8], classes: Int, train: [Int], names: [String]) throws -> BCEWithLogitsLoss {
        let rows = targets.count / classes
        let data = TrialData(features: try FeatureMatrix(FloatBuffer(count: rows), rows: rows, columns: 1),
                             targets: targets, classes: classes, trainIndices: train, validationIndices: [])
        let parameters = try PluginParameters(resolving: [:], against: BCEWithLogitsLoss.parameters, plugin: "bce")
        return try BCEWithLogitsLoss(parameters: parameters, context: data.lossContext(classNames: names))
    }

    func testAutoPositiveWeightsEqualTheNotebooksOnTorchsSplit() throws {
        // Tests/Fixtures/make_split_fixtures.py: negatives / positives over the training rows of
        // torch's random_split, in double, then torch.FloatTensor
        struct Fixture: Decodable {
            struct PosWeight: Decodable { var classes: Int, train: [Int], targets: [UInt8], weights: [Float] }
            var pos_weight: PosWeight
        }
        let url = TrainFixtures.directory.deletingLastPathComponent().appendingPathComponent("data/torch_random_split.json")
        let p = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url)).pos_weight
        let loss = try autoLoss(targets: p.targets, classes: p.classes, train: p.train,
                                names: (0..<p.classes).map { "c\($0)" })
        XCTAssertEqual(loss.positiveWeights, p.weights)
    }

    func testAutoPositiveWeightNamesAClassWithoutPositives() throws {
        // (4, 2): class `sea` is positive only in row 3, which is not in training.
        let targets: [UInt8] = [1, 0, 0, 0, 1, 0, 0, 1]
        XCTAssertThrowsError(try autoLoss(targets: targets, classes: 2, train: [0, 1, 2], names: ["desert", "sea"])) {
            XCTAssertEqual("\($0)", "bce: pos_weight auto: class 'sea' has no positive sample in the training split")
        }
        XCTAssertEqual(try autoLoss(targets: targets, classes: 2, train: [0, 3], names: ["desert", "sea"]).positiveWeights, [1, 1])
    }
}
