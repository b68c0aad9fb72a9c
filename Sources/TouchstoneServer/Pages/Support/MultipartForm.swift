import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A posted `multipart/form-data` body (RFC 7578), what a page form with a file input sends:
/// its text fields and files, each a part with a `Content-Disposition: form-data; name=…` header.
struct MultipartForm: Sendable {
    /// One field or file of the form.
    struct Part: Sendable, Equatable {
        let name: String
        /// The file's name, for a file input (browsers send `filename=""` when none was chosen).
        let fileName: String?
        let contentType: String?
        let data: Data
    }

    /// A body that is not well-formed multipart, with what is wrong.
    struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        let message: String
        var description: String { "the upload is not a well-formed multipart/form-data body: \(message)" }
    }

    let parts: [Part]

    /// The text of the first field named `name`.
    subscript(name: String) -> String? {
        parts.first { $0.name == name && $0.fileName == nil }.map { String(decoding: $0.data, as: UTF8.self) }
    }

    /// The first file part named `name`.
    func file(_ name: String) -> Part? {
        parts.first { $0.name == name && $0.fileName != nil }
    }

    /// The boundary of a `multipart/form-data; boundary=…` content type.
    static func boundary(contentType: String?) throws(Malformed) -> String {
        guard let contentType else { throw Malformed(message: "it has no Content-Type") }
        let (type, parameters) = headerValue(contentType)
        guard type.lowercased() == "multipart/form-data" else {
            throw Malformed(message: "its Content-Type is \(type), not multipart/form-data")
        }
        guard let boundary = parameters["boundary"], !boundary.isEmpty, boundary.utf8.count <= 70 else {
            throw Malformed(message: "its Content-Type has no boundary (1 to 70 characters)")
        }
        return boundary
    }

    /// Parses `body`, whose parts are separated by `--boundary` lines.
    init(body: Data, boundary: String) throws(Malformed) {
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n--\(boundary)".utf8)
        let headerEnd = Array("\r\n\r\n".utf8)
        let bytes = [UInt8](body)
        guard let first = Self.find(delimiter, in: bytes, from: 0) else {
            throw Malformed(message: "the boundary \(boundary) does not occur in it")
        }
        var parts: [Part] = []
        var position = first + delimiter.count
        while true {
            if bytes.count >= position + 2, bytes[position] == UInt8(ascii: "-"), bytes[position + 1] == UInt8(ascii: "-") { break }
            while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") { position += 1 }
            guard bytes.count >= position + 2, bytes[position] == UInt8(ascii: "\r"), bytes[position + 1] == UInt8(ascii: "\n") else {
                throw Malformed(message: "part \(parts.count + 1): the boundary line is not followed by a line break")
            }
            position += 2
            guard let end = Self.find(headerEnd, in: bytes, from: position) else {
                throw Malformed(message: "part \(parts.count + 1): its headers do not end with an empty line")
            }
            let headers = String(decoding: bytes[position..<end], as: UTF8.self)
            let contentStart = end + headerEnd.count
            guard let contentEnd = Self.find(separator, in: bytes, from: contentStart) else {
                throw Malformed(message: "part \(parts.count + 1) is not closed by the boundary (was the upload cut short?)")
            }
            parts.append(try Self.part(headers: headers, data: Data(bytes[contentStart..<contentEnd]), index: parts.count + 1))
            position = contentEnd + separator.count
        }
        self.parts = parts
    }

    /// A part from its header lines and content.
    private static func part(headers: String, data: Data, index: Int) throws(Malformed) -> Part {
        var disposition: (String, [String: String])?
        var contentType: String?
        for line in headers.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else {
                throw Malformed(message: "part \(index): the header line \"\(line)\" has no colon")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            if name == "content-disposition" { disposition = headerValue(value) }
            if name == "content-type" { contentType = value }
        }
        guard let (kind, parameters) = disposition, kind.lowercased() == "form-data", let name = parameters["name"] else {
            throw Malformed(message: "part \(index) has no Content-Disposition: form-data with a name")
        }
        return Part(name: name, fileName: parameters["filename"], contentType: contentType, data: data)
    }

    /// `type; a=1; b="x;y"` as the type and its parameters (names lowercased, quotes removed).
    static func headerValue(_ text: String) -> (String, [String: String]) {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
                current.append(character)
            } else if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if parameters[name] == nil { parameters[name] = value }
        }
        return (pieces[0].trimmingCharacters(in: .whitespaces), parameters)
    }

    /// The offset of the first occurrence of `needle` in `haystack` at or after `start`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard start <= haystack.count, !needle.isEmpty else { return nil }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                guard let base = hay.baseAddress, let pattern = pin.baseAddress else { return nil }
                var offset = start
                // memchr finds each candidate first byte, memcmp checks the rest (no memmem without _GNU_SOURCE).
                while hay.count - offset >= pin.count {
                    guard let hit = memchr(base + offset, Int32(needle[0]), hay.count - offset - pin.count + 1) else { return nil }
                    let at = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + at, pattern, pin.count) == 0 { return at }
                    offset = at + 1
                }
                return nil
            }
        }
    }

    /// The multipart form of `request` (at most `maxSize` bytes), refused with 403 unless its
    /// `csrf` field is the session's token, and with 400 when it is not well-formed.
    static func checked(_ request: Request, context: AppRequestContext, maxSize: Int) async throws -> MultipartForm {
        let form: MultipartForm
        do {
            let boundary = try boundary(contentType: request.headers[.contentType])
            let body = try await request.body.collect(upTo: maxSize)
            form = try MultipartForm(body: Data(buffer: body), boundary: boundary)
        } catch let error as Malformed {
            throw APIProblem.badRequest(error.description)
        }
        guard let expected = context.csrfToken, let presented = form["csrf"], PageForm.constantTimeEqual(presented, expected) else {
            throw APIProblem.forbidden("The form is stale or forged; reload the page and try again.")
        }
        return form
    }
}
