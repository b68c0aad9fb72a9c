import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneStore

@testable import TouchstoneServer

/// A page whose database is unreachable (no primary during a failover) answers like the API:
/// 503 with `Retry-After`, so a browser or a proxy knows to come back.
@Suite("Pages: errors") struct PageErrorTests {
    @Test func unavailableDatabaseIs503WithRetryAfter() async throws {
        let router = Router(context: AppRequestContext.self)
        router.group().add(middleware: PageErrorMiddleware(renderer: try PageRenderer.bundled()))
            .get("down") { _, _ -> Response in throw StoreError.unavailable("the database cannot be reached") }
            .get("missing") { _, _ -> Response in throw StoreError.notFound("outlet S001") }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/down", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            }
            try await client.execute(uri: "/missing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.retryAfter] == nil)
            }
        }
    }
}
