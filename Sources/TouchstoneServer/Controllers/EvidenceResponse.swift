import Hummingbird
import NIOCore
import NIOFoundationCompat
import TouchstoneCore
import TouchstoneStore

/// Evidence as served from our origin, by the API and the pages alike: sandboxed, never
/// sniffed, images inline and anything else as a download; the bytes stream from the
/// database a slice at a time.
enum EvidenceResponse {
    /// Bytes read from the database per slice.
    static let sliceSize = 1 << 20

    /// The headers of evidence of `contentType` named `name`: sandboxed, never sniffed, images
    /// inline and anything else as a download (audit and action evidence alike).
    static func headers(contentType: String, name: String) -> HTTPFields {
        var headers = HTTPFields()
        let image = EvidenceContentType.isImage(contentType)
        headers[.contentType] =
            image || EvidenceContentType.isAllowed(contentType)
            ? EvidenceContentType.mediaType(contentType) : "application/octet-stream"
        headers[.contentSecurityPolicy] = "sandbox; default-src 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.cacheControl] = "private, max-age=3600"
        if !image {
            headers[.contentDisposition] = "attachment; filename=\"evidence\"; filename*=UTF-8''\(PageLinks.encode(name))"
        }
        return headers
    }

    static func make(_ file: EvidenceFile, tenant: Tenant, database: Database) -> Response {
        let headers = headers(contentType: file.contentType, name: file.name)
        if EvidenceContentType.mediaType(file.contentType) == "image/jpeg" {
            return jpegWithoutEXIF(file, headers: headers, tenant: tenant, database: database)
        }
        let body = ResponseBody(contentLength: file.size) { writer in
            var offset = 0
            while offset < file.size {
                let slice = try await AuditQueries.evidenceSlice(
                    tenant: tenant, file: file, offset: offset, length: min(sliceSize, file.size - offset), database: database)
                guard !slice.isEmpty else { break }
                try await writer.write(ByteBuffer(data: slice))
                offset += slice.count
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// A JPEG as served: read whole (evidence is bounded by the evidence limit), its APP1
    /// segments (EXIF with position and time, XMP) removed by ``JPEGMetadata``. The stored
    /// bytes, and so their sha256, stay as uploaded.
    private static func jpegWithoutEXIF(_ file: EvidenceFile, headers: HTTPFields, tenant: Tenant, database: Database) -> Response {
        var headers = headers
        headers[.contentType] = "image/jpeg"
        let body = ResponseBody { writer in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(file.size)
            while bytes.count < file.size {
                let slice = try await AuditQueries.evidenceSlice(
                    tenant: tenant, file: file, offset: bytes.count, length: min(sliceSize, file.size - bytes.count), database: database)
                guard !slice.isEmpty else { break }
                bytes.append(contentsOf: slice)
            }
            try await writer.write(ByteBuffer(bytes: JPEGMetadata.strippingAPP1(bytes)))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
