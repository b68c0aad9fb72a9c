import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import TouchstoneStore

/// An .xlsx download: the workbook is written to a temporary file (libxlsxwriter keeps rows on
/// disk, not in memory), unlinked once open and streamed to the client in 64 KiB chunks.
enum WorkbookResponse {
    static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// Runs `produce` into a workbook whose data sheet is `sheet`, adds the `aboutSheet` from
    /// `about`, and answers it as an attachment named `filename`. A failure before the file
    /// is complete (an unknown template) is thrown, so it is answered as a problem.
    static func make(
        filename: String, sheet: String, aboutSheet: String = "About",
        produce: (any ExportRows) async throws -> Void, about: () async throws -> ExportAbout
    ) async throws -> Response {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-\(UUID().uuidString).xlsx").path
        let handle: FileHandle
        do {
            let rows = try WorkbookRows(path: path, sheet: sheet)
            try await produce(rows)
            try rows.finish(about: try await about(), sheet: aboutSheet)
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        try? FileManager.default.removeItem(atPath: path)
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 65_536), !chunk.isEmpty {
                    try await writer.write(ByteBuffer(data: chunk))
                }
                try await writer.finish(nil)
            })
    }
}
