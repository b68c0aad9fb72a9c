import Testing
import TouchstoneStore

@Suite struct CSVWriterTests {
    @Test(arguments: [
        ("=1+2", "'=1+2"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
        ("-", "'-"), ("-12.50.1", "'-12.50.1"), ("-.5", "'-.5"), ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("-12.50", "-12.50"), ("+3", "+3"), ("-0", "-0"), ("12.50", "12.50"), ("浦东店", "浦东店"), ("a=b", "a=b"), ("", ""),
    ])
    func neutralisesFormulaStartsButNotNumbers(field: String, expected: String) {
        #expect(CSVWriter.neutralised(field) == expected)
    }

    @Test func spreadsheetLinesNeutraliseThenQuote() {
        #expect(CSVWriter.line(["=A1,B1", "-12.50", "name"], spreadsheet: true) == "\"'=A1,B1\",-12.50,name\n")
        #expect(CSVWriter.line(["=A1", "-12.50"]) == "=A1,-12.50\n")
    }
}
