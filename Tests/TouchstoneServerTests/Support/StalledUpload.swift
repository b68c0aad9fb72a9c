import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 request sent over a raw socket that stops half-way through its body, so the
/// server holds it as an evidence transfer in progress until ``close()``.
final class StalledUpload: @unchecked Sendable {
    private let socket: Int32

    /// Connects to `127.0.0.1:port` and sends the headers of a PUT of `declaredLength` bytes, then one byte.
    init(port: Int, path: String, token: String, declaredLength: Int, contentType: String = "image/jpeg") throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(socket)
            throw POSIXError(.ECONNREFUSED)
        }
        let head =
            "PUT \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: \(contentType)\r\nContent-Length: \(declaredLength)\r\n\r\nt"
        _ = head.utf8CString.withUnsafeBufferPointer { Glibc.send(socket, $0.baseAddress, $0.count - 1, 0) }
    }

    /// Closes the connection (the server sees the body end early).
    func close() {
        Glibc.close(socket)
    }
}
