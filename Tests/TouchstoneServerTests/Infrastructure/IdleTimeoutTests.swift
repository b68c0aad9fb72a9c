#if canImport(Glibc)
import Glibc
import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneServer

/// A connection that sends nothing is closed after ``ServerConfiguration/idleTimeout``.
@Suite struct IdleTimeoutTests {
    @Test func idleConnectionsAreClosed() async throws {
        let app = Harness().makeApp(configuration: .init(port: 0, idleTimeout: .milliseconds(300)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let seconds = try await Task.detached { try Self.secondsUntilClosed(port: port, giveUpAfter: 5) }.value
            #expect(seconds < 3, "the idle connection stayed open \(seconds) s")
        }
    }

    struct SocketFailure: Error {}

    /// Connects to 127.0.0.1:`port`, sends nothing, and waits for the server to close (blocking).
    static func secondsUntilClosed(port: Int, giveUpAfter limit: Int) throws -> Double {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketFailure() }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SocketFailure() }
        var timeout = timeval(tv_sec: limit, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let start = ContinuousClock.now
        var byte: UInt8 = 0
        _ = recv(fd, &byte, 1, 0)
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
#endif
