import SweepCSV
import XCTest

/// The writer's output read back by the parser, and its quoting rules checked on their own.
final class CSVWriterTests: XCTestCase {
    func testQuotesOnlyFieldsThatNeedIt() {
        XCTAssertEqual(CSVWriter.field("plain.jpg"), "plain.jpg")
        XCTAssertEqual(CSVWriter.field(" spaced "), " spaced ", "spaces are part of a field")
        XCTAssertEqual(CSVWriter.field(""), "")
        XCTAssertEqual(CSVWriter.field("a,b.jpg"), "\"a,b.jpg\"")
        XCTAssertEqual(CSVWriter.field("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSVWriter.field("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(CSVWriter.field("cr\rhere"), "\"cr\rhere\"")
    }

    func testDocumentRoundTripsThroughTheParser() throws {
        let writer = CSVWriter(header: ["path", "labels", "p_a"])
        let rows = [["x, \"y\".jpg", "a;b", "0.5"], ["plain.jpg", "", "1"], ["é\nü.png", "b", "0"]]
        let text = writer.document(rows)
        XCTAssertTrue(text.hasPrefix("path,labels,p_a\n"), text)
        XCTAssertTrue(text.hasSuffix("\n"))
        let records = try CSVParser.parse(Array(text.utf8)).get()
        XCTAssertEqual(records.map(\.fields), [writer.header] + rows)
        XCTAssertEqual(records.map(\.line), [1, 2, 3, 4], "the quoted line break is inside record 4's field")
    }
}
