import XCTest
import SweepCSV

final class CSVParserTests: XCTestCase {
    private func parse(_ text: String) -> Result<[CSVParser.Record], CSVParser.SyntaxError> {
        CSVParser.parse(Array(text.utf8))
    }

    func testPlainRecordsKeepTheirLines() throws {
        let records = try parse("a,b,c\n1,2,3\r\n4,5,6").get()
        XCTAssertEqual(records, [
            .init(line: 1, fields: ["a", "b", "c"]),
            .init(line: 2, fields: ["1", "2", "3"]),
            .init(line: 3, fields: ["4", "5", "6"]),
        ])
    }

    func testQuotedFieldsWithCommasQuotesAndLineBreaks() throws {
        let text = "filename,x\n\"a, b.jpg\",1\n\"say \"\"hi\"\".jpg\",0\n\"two\nlines.jpg\",1\nlast.jpg,0\n"
        let records = try parse(text).get()
        XCTAssertEqual(records.map(\.fields), [
            ["filename", "x"], ["a, b.jpg", "1"], ["say \"hi\".jpg", "0"], ["two\nlines.jpg", "1"], ["last.jpg", "0"],
        ])
        // The record after the two-line field starts on line 6, not 5.
        XCTAssertEqual(records.map(\.line), [1, 2, 3, 4, 6])
    }

    func testEmptyFieldsTrailingCommaBlankLinesAndBOM() throws {
        let records = try parse("\u{FEFF}a,,c\n\nx,\n").get()
        XCTAssertEqual(records, [
            .init(line: 1, fields: ["a", "", "c"]),
            .init(line: 2, fields: [""]),
            .init(line: 3, fields: ["x", ""]),
        ])
    }

    func testCROnlyLineBreaks() throws {
        XCTAssertEqual(try parse("a\rb\r").get().map(\.line), [1, 2])
    }

    func testUnterminatedQuoteNamesTheLineItOpened() {
        XCTAssertEqual(parse("a,b\n1,\"open\n\nstill open").failureValue?.line, 2)
    }

    func testQuoteInsideUnquotedFieldIsAnError() {
        let error = parse("a,b\nx\"y,1\n").failureValue
        XCTAssertEqual(error?.line, 2)
        XCTAssertTrue(error?.message.contains("double quote") ?? false)
    }

    func testTextAfterClosingQuoteIsAnError() {
        let error = parse("a\n\"x\"y\n").failureValue
        XCTAssertEqual(error?.line, 2)
        XCTAssertTrue(error?.message.contains("after the closing quote") ?? false)
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
