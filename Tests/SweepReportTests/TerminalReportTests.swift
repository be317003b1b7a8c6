import Foundation
import SweepCore
@testable import SweepReport
import XCTest

/// `sweep show`'s text: fitted to the width, columns dropped in priority order and named.
final class TerminalReportTests: XCTestCase {
    func testEveryLineFitsTheWidthAndDroppedColumnsAreNamed() throws {
        let fixture = try ReportFixture.make()
        defer { fixture.remove() }
        let model = try fixture.model()
        for width in [40, 60, 80, 100, 132, 250] {
            let text = TerminalReport.render(model, .init(width: width, top: nil))
            for line in text.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, width, "width \(width): \(line)") }
            let header = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("rank") })
            XCTAssertTrue(header.contains("val_f1_samples"), "the objective is always shown (width \(width))")
            let shown = header.split(separator: " ").map(String.init)
            let hidden = model.leaderboard.header.filter { !shown.contains($0) }
            if hidden.isEmpty {
                XCTAssertFalse(text.contains("not shown at this width"))
            } else {
                XCTAssertTrue(text.contains("not shown at this width"), "width \(width)")
                for name in hidden { XCTAssertTrue(text.contains(name), "\(name) named (width \(width))") }
            }
        }
    }

    func testRowsInRankOrderWithRoundedMetricsAndVerbatimParameters() throws {
        let fixture = try ReportFixture.make()
        defer { fixture.remove() }
        let model = try fixture.model()
        let text = TerminalReport.render(model, .init(width: 200, top: 2))
        XCTAssertTrue(text.contains("… 4 more rows"))
        let lines = text.split(separator: "\n").map(String.init)
        let dashes = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("-----") })
        let body = lines[(dashes + 1)...(dashes + 2)].joined(separator: "\n")
        XCTAssertTrue(body.contains(model.configurations[0].id))
        XCTAssertTrue(body.contains("0.0001") && body.contains("0.6600") && body.contains("0.6500"), body)
        XCTAssertFalse(body.contains("0.6600000"), "metrics rounded")
        XCTAssertLessThan(try XCTUnwrap(body.range(of: model.configurations[0].id)).lowerBound,
                          try XCTUnwrap(body.range(of: model.configurations[1].id)).lowerBound)
        XCTAssertTrue(text.contains("!! SYNTHETIC DATA"))
        XCTAssertTrue(text.contains("!! RANDOM TRUNK WEIGHTS"))
        XCTAssertTrue(text.contains("chosen model: best/ -> checkpoints/\(model.configurations[0].id)"))
        XCTAssertTrue(text.contains("desert"))
        XCTAssertTrue(TerminalReport.render(model, .init(width: 200, top: nil)).contains("timed out after 8.0 seconds"))
        XCTAssertFalse(text.contains("\u{1B}["), "no colour unless asked")
        XCTAssertTrue(TerminalReport.render(model, .init(width: 80, color: true)).contains("\u{1B}[1;31m!! SYNTHETIC"))
    }

    func testWrapKeepsIndentAndNeverExceedsTheWidth() {
        let lines = TerminalReport.wrap("  validation: " + Array(repeating: "word", count: 30).joined(separator: " "), 30, indent: 4)
        XCTAssertTrue(lines[0].hasPrefix("  validation:"))
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0.hasPrefix("    ") && !$0.hasPrefix("     ") })
        XCTAssertTrue(lines.allSatisfy { $0.count <= 30 })
        let path = TerminalReport.wrap("data: /a/very/long/path/that/is/longer/than/the/line/SYNTHETIC.txt; 60 images", 20)
        XCTAssertTrue(path.allSatisfy { $0.count <= 20 }, "\(path)")
        XCTAssertEqual(path.joined(separator: " ").replacingOccurrences(of: " ", with: ""),
                       "data:/a/very/long/path/that/is/longer/than/the/line/SYNTHETIC.txt;60images")
    }
}
