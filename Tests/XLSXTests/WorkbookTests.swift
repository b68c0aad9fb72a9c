import Foundation
import Testing

@testable import XLSX

@Suite("XLSX workbook")
struct WorkbookTests {
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)-\(name)").path
    }

    @Test("writes a zip with typed cells")
    func writesZip() throws {
        let path = temporaryPath("ok.xlsx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let workbook = try Workbook(path: path)
        let sheet = try workbook.addSheet("Payouts", header: ["employee_no", "name", "payout", "n", "at"])
        try sheet.append([
            .text("007"), .text("王小明"), .number(Decimal(string: "1234.50")!, places: 2), .integer(3),
            .dateTime(LocalDateTime(year: 2024, month: 3, day: 5, hour: 10, minute: 4, second: 9)),
        ])
        try sheet.append([.text("=1+1"), .empty])
        let about = try workbook.addSheet("About", header: ["field", "value"])
        try about.append([.text("tenant"), .text("acme")])
        try workbook.close()
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(data.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]))
    }

    @Test("a directory that does not exist gives libxlsxwriter's reason")
    func badPath() throws {
        let path = "/nonexistent-\(UUID().uuidString)/out.xlsx"
        let workbook = try Workbook(path: path)
        _ = try workbook.addSheet("Data", header: ["a"])
        let error = try #require(throws: XLSXError.self) { try workbook.close() }
        #expect(error.operation == "writing \(path)")
        #expect(error.description.contains("Error creating output xlsx file"))
    }

    @Test("a row wider than the header is refused")
    func wideRow() throws {
        let workbook = try Workbook(path: temporaryPath("wide.xlsx"))
        let sheet = try workbook.addSheet("Data", header: ["a"])
        #expect(throws: XLSXError.self) { try sheet.append([.text("x"), .text("y")]) }
    }

    @Test("a workbook dropped without close writes nothing")
    func dropped() throws {
        let path = temporaryPath("dropped.xlsx")
        do {
            let workbook = try Workbook(path: path)
            try workbook.addSheet("Data", header: ["a"]).append([.text("x")])
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("display width counts CJK as two")
    func widths() {
        #expect(Cell.text("abc").displayWidth == 3)
        #expect(Cell.text("王小明").displayWidth == 6)
        #expect(Cell.number(Decimal(string: "12.5")!, places: 2).displayWidth == 5)
    }
}
