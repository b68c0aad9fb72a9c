import Foundation
import Testing

@testable import TouchstoneServer

/// The multipart/form-data parser of the import page's upload form.
@Suite("Pages: multipart forms") struct MultipartFormTests {
    /// A body as Chromium sends it: a text field, a file (with a CRLF and bytes that are not UTF-8) and a checkbox.
    static let body =
        Data("preamble\r\n------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok en\r\n".utf8)
        + Data(
            "------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"员工 \\\"1\\\";.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                .utf8)
        + Data("a,b\r\n1,".utf8) + Data([0xD5, 0xC5, 0xCE, 0xB0]) + Data("\r\n--not-the-boundary\r\n".utf8)
        + Data(
            "\r\n------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name=\"ignore_extra\"\r\n\r\n1\r\n------WebKitFormBoundaryX--\r\n".utf8)

    @Test func parsesFieldsAndFiles() throws {
        let boundary = try MultipartForm.boundary(contentType: "multipart/form-data; boundary=----WebKitFormBoundaryX")
        #expect(boundary == "----WebKitFormBoundaryX")
        let form = try MultipartForm(body: Self.body, boundary: boundary)
        #expect(form.parts.count == 3)
        #expect(form["csrf"] == "tok en")
        #expect(form["ignore_extra"] == "1")
        #expect(form["file"] == nil)
        let file = try #require(form.file("file"))
        #expect(file.fileName == "员工 \"1\";.csv")
        #expect(file.contentType == "text/csv")
        #expect(file.data == Data("a,b\r\n1,".utf8) + Data([0xD5, 0xC5, 0xCE, 0xB0]) + Data("\r\n--not-the-boundary\r\n".utf8))
        #expect(try MultipartForm.boundary(contentType: "Multipart/Form-Data; boundary=\"a b\"") == "a b")
    }

    @Test func emptyFileAndNoFileChosen() throws {
        let body = Data(
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--B--".utf8)
        let form = try MultipartForm(body: body, boundary: "B")
        #expect(form.file("file")?.fileName == "")
        #expect(form.file("file")?.data.isEmpty == true)
    }

    @Test(
        arguments: [
            ("multipart/form-data", nil, "its Content-Type has no boundary (1 to 70 characters)"),
            ("application/x-www-form-urlencoded", nil, "its Content-Type is application/x-www-form-urlencoded, not multipart/form-data"),
            ("multipart/form-data; boundary=B", "no boundary here", "the boundary B does not occur in it"),
            (
                "multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue without end",
                "part 1 is not closed by the boundary (was the upload cut short?)"
            ),
            (
                "multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data; name=\"a\"\r\nvalue",
                "part 1: its headers do not end with an empty line"
            ),
            (
                "multipart/form-data; boundary=B", "--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--",
                "part 1 has no Content-Disposition: form-data with a name"
            ),
            ("multipart/form-data; boundary=B", "--Bjunk\r\n", "part 1: the boundary line is not followed by a line break"),
        ] as [(String, String?, String)])
    func malformedBodiesSayWhatIsWrong(contentType: String, body: String?, message: String) {
        #expect(throws: MultipartForm.Malformed(message: message)) {
            let boundary = try MultipartForm.boundary(contentType: contentType)
            _ = try MultipartForm(body: Data((body ?? "").utf8), boundary: boundary)
        }
    }
}
