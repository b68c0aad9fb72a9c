import Hummingbird
import HummingbirdTesting
import Metrics
import Prometheus
import Testing
import TouchstoneServer

@Suite struct MetricsTests {
    @Test func requestsAreCountedByRouteTemplate() async throws {
        let harness = Harness()
        try await harness.makeApp().test(.router) { client in
            try await client.execute(uri: "/things/42", method: .get)
            try await client.execute(uri: "/things/43", method: .get)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                let line = try #require(
                    text.split(separator: "\n").first {
                        $0.hasPrefix("http_requests_total{") && $0.contains(#"route="/things/{id}""#)
                    })
                #expect(line.contains(#"method="GET""#))
                #expect(line.contains(#"status="200""#))
                #expect(line.hasSuffix(" 2"))
                #expect(text.contains("http_request_duration_seconds_bucket{"))
                #expect(!text.contains("/things/42"))
            }
        }
    }

    @Test func unmatchedRoutesAreLabelledNotFound() async throws {
        let harness = Harness()
        try await harness.makeApp().test(.router) { client in
            try await client.execute(uri: "/secret/path/12345", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/fail/unknown", method: .get) { #expect($0.status == .internalServerError) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                let notFound = text.split(separator: "\n").filter {
                    $0.hasPrefix("http_requests_total{") && $0.contains(#"route="NotFound""#)
                }
                #expect(notFound.count == 1)
                #expect(notFound.first?.contains(#"status="404""#) == true)
                #expect(text.contains(#"route="/fail/unknown""#) && text.contains(#"status="500""#))
                #expect(!text.contains("secret"))
                #expect(!text.contains("12345"))
            }
        }
    }

    @Test func poolGaugesAreExportedAtScrapeTime() async throws {
        let harness = Harness()
        try await harness.makeApp(pool: FixedPool()).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"db_pool_connections{state="in_use"} 3"#))
                #expect(text.contains(#"db_pool_connections{state="idle"} 5"#))
                #expect(text.contains(#"db_pool_connections{state="waiting"} 1"#))
                #expect(text.contains(#"db_pool_connections{state="max"} 10"#))
            }
        }
    }

    @Test func bootstrapIsIdempotentAndFeedsSwiftMetrics() {
        let first = MetricsBootstrap.bootstrap()
        let second = MetricsBootstrap.bootstrap()
        #expect(first === second)
        #expect(MetricsBootstrap.registry === first)
        Metrics.Counter(label: "touchstone_test_bootstrap_total").increment()
        #expect(first.emitToString().contains("touchstone_test_bootstrap_total 1"))
    }
}
