import Foundation
@testable import SweepReport
import XCTest

/// The chosen model's validation numbers against scikit-learn (Tests/Fixtures/make_report_fixtures.py)
/// and a hand-worked case.
final class ChosenModelTests: XCTestCase {
    struct Fixture: Decodable {
        struct Curve: Decodable { var recall: [Double]; var precision: [Double]; var ap: Double }
        var rows: Int, classes: Int, thresholds: [Double], scores: [Double], targets: [UInt8]
        var precision: [Double], recall: [Double], f1: [Double], support: [Int]
        var curves: [Curve?]
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/report")

    func testPerClassScoresCurvesAndAveragePrecisionEqualScikitLearn() throws {
        let f = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("chosen.json")))
        let e = ValidationEvaluation(scores: f.scores, targets: f.targets, rows: f.rows, thresholds: f.thresholds)
        XCTAssertEqual(e.rows, f.rows)
        for c in 0..<f.classes {
            let s = e.perClass[c]
            XCTAssertEqual(s.precision, f.precision[c], accuracy: 1e-12, "precision of class \(c)")
            XCTAssertEqual(s.recall, f.recall[c], accuracy: 1e-12, "recall of class \(c)")
            XCTAssertEqual(s.f1, f.f1[c], accuracy: 1e-12, "f1 of class \(c)")
            XCTAssertEqual(s.support, f.support[c], "support of class \(c)")
            guard let reference = f.curves[c] else {
                XCTAssertEqual(e.curves[c].positives, 0)
                XCTAssertEqual(e.curves[c].averagePrecision, 0, "no positive: AP 0, as the metric plugin says")
                continue
            }
            XCTAssertEqual(e.curves[c].points.map(\.recall), reference.recall, "recall points of class \(c)")
            XCTAssertEqual(e.curves[c].points.count, reference.precision.count)
            for (a, b) in zip(e.curves[c].points.map(\.precision), reference.precision) { XCTAssertEqual(a, b, accuracy: 1e-12) }
            XCTAssertEqual(e.curves[c].averagePrecision, reference.ap, accuracy: 1e-12, "AP of class \(c)")
        }
    }

    /// Six validation rows worked by hand (the same as ReportFixture's best/): counts per class
    /// and every cell of the true-vs-predicted table, with a row that has no true label and
    /// one with nothing predicted (a score exactly at the threshold is not predicted).
    func testCountsAndCooccurrenceOfAHandWorkedCase() {
        let scores = [0.9, 0.2, 0.7, 0.6, 0.8, 0.1, 0.4, 0.9, 0.3, 0.3, 0.2, 0.5, 0.1, 0.7, 0.9, 0.2, 0.1, 0.95]
        let targets: [UInt8] = [1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0]
        let e = ValidationEvaluation(scores: scores, targets: targets, rows: 6, thresholds: [0.5, 0.5, 0.5])
        XCTAssertEqual(e.perClass, [ClassScores(tp: 2, fp: 0, fn: 1), ClassScores(tp: 1, fp: 2, fn: 2), ClassScores(tp: 2, fp: 1, fn: 1)])
        XCTAssertEqual(e.cooccurrence, [[2, 2, 2, 0], [1, 1, 1, 1], [1, 1, 2, 1], [0, 0, 1, 0]])
        XCTAssertEqual(e.perClass[1].precision, 1.0 / 3)
        XCTAssertEqual(e.perClass[1].f1, 2.0 / 6)
    }

    func testPerClassThresholdsAreUsed() {
        let e = ValidationEvaluation(scores: [0.6, 0.6], targets: [1, 1], rows: 1, thresholds: [0.5, 0.7])
        XCTAssertEqual(e.perClass, [ClassScores(tp: 1, fp: 0, fn: 0), ClassScores(tp: 0, fp: 0, fn: 1)])
    }
}
