import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PQ
import Testing
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

/// Database failures reach clients as generic messages with the request id; PostgreSQL's
/// detail, constraint and table names and internal ids stay in the server's log.
@Suite struct DatabaseErrorDetailTests {
    static let secrets = ["secret_city_rule", "secret_city_key", "outlets", "tenant_id", "Key (", "violates", "23505", "23514"]

    @Test func constraintViolationsDoNotLeakTheirDetail() async throws {
        let capture = LogCapture()
        let app = try await TestApp.make(logger: capture.logger(level: .trace))
        try await TestDatabase.withOwner(of: app.database.pool.configuration) { owner in
            try await owner.pool.withConnection { conn in
                try conn.execute(
                    script: """
                        ALTER TABLE outlets ADD CONSTRAINT secret_city_rule CHECK (city IS DISTINCT FROM 'Atlantis');
                        CREATE UNIQUE INDEX secret_city_key ON outlets (tenant_id, city) WHERE city = 'Lemuria';
                        """)
            }
        }
        try await app.run { api in
            func post(_ code: String, city: String, id: String) async throws -> TestResponse {
                let body = try JSONSerialization.data(withJSONObject: ["code": code, "name": "x", "regionPath": "华东", "city": city])
                return try await api.send(.post, "/api/v1/outlets", as: "admin", body: body, headers: [.requestID: id])
            }
            let check = try await post("O7", city: "Atlantis", id: "req-check")
            #expect(check.status == .unprocessableContent)
            #expect(check.problem["requestId"] as? String == "req-check")
            #expect(try await post("O8", city: "Lemuria", id: "req-first").status == .created)
            let unique = try await post("O9", city: "Lemuria", id: "req-unique")
            #expect(unique.status == .conflict)
            for response in [check, unique] {
                for secret in Self.secrets {
                    #expect(!response.text.contains(secret), "\(secret) in \(response.text)")
                }
            }
        }
        let logged = capture.records.filter { "\($0.metadata["request_id"] ?? "")" == "req-unique" }
        #expect(logged.contains { "\($0.metadata)".contains("secret_city_key") })
    }
}
