import NIOCore

/// What an .xlsx download looks like from outside: its content type and a zip's first bytes
/// (the cells themselves are checked with openpyxl by Tests/xlsx/check.py).
enum WorkbookZip {
    static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    static func isZip(_ body: ByteBuffer) -> Bool {
        body.getBytes(at: body.readerIndex, length: 4) == [0x50, 0x4B, 0x03, 0x04]
    }
}
