import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneServer

@Suite struct BodyLimitTests {
    static let configuration = ServerConfiguration(maxBodySize: 64, evidenceMaxBodySize: 4096, evidenceRoutePrefixes: ["/evidence"])

    @Test func declaredLengthOverTheLimitIs413() async throws {
        let harness = Harness()
        let body = ByteBuffer(string: #"{"text":"\#(String(repeating: "x", count: 200))"}"#)
        try await harness.makeApp(configuration: Self.configuration).test(.router) { client in
            try await client.execute(
                uri: "/echo",
                method: .post,
                headers: [.contentType: "application/json", .contentLength: String(body.readableBytes)],
                body: body
            ) { response in
                #expect(response.status == .contentTooLarge)
                let error = try #require(try response.body.jsonObject["error"] as? [String: Any])
                #expect(error["code"] as? String == "payload_too_large")
                #expect(error["message"] as? String == "Request body exceeds 64 bytes.")
            }
        }
    }

    @Test func undeclaredBodyOverTheLimitIs413WhenDecoded() async throws {
        let harness = Harness()
        let body = ByteBuffer(string: #"{"text":"\#(String(repeating: "x", count: 200))"}"#)
        try await harness.makeApp(configuration: Self.configuration).test(.router) { client in
            try await client.execute(uri: "/echo", method: .post, headers: [.contentType: "application/json"], body: body) { response in
                #expect(response.status == .contentTooLarge)
                let error = try #require(try response.body.jsonObject["error"] as? [String: Any])
                #expect(error["code"] as? String == "payload_too_large")
            }
        }
    }

    @Test func chunkedBodyOverTheLimitIs413WhenRead() async throws {
        let harness = Harness()
        try await harness.makeApp(configuration: Self.configuration).test(.router) { client in
            try await client.execute(
                uri: "/evidence/upload",
                method: .post,
                headers: [.transferEncoding: "chunked"],
                body: ByteBuffer(repeating: 0x41, count: 5000)
            ) { response in
                #expect(response.status == .contentTooLarge)
                let error = try #require(try response.body.jsonObject["error"] as? [String: Any])
                #expect(error["code"] as? String == "payload_too_large")
            }
        }
    }

    @Test func smallBodiesPassAndEvidenceRoutesGetTheLargerLimit() async throws {
        let harness = Harness()
        try await harness.makeApp(configuration: Self.configuration).test(.router) { client in
            try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: #"{"text":"hi"}"#)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "hi")
            }
            let photo = ByteBuffer(repeating: 0x42, count: 3000)
            try await client.execute(
                uri: "/evidence/upload",
                method: .post,
                headers: [.contentLength: "3000"],
                body: photo
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "3000")
            }
        }
    }

    @Test func limitsResolveByLongestRoutePrefix() {
        let limit = BodyLimit(defaultMaxSize: 1, rules: [.init(routePrefix: "/a", maxSize: 2), .init(routePrefix: "/a/b", maxSize: 3)])
        #expect(limit.maxSize(forRoute: nil) == 1)
        #expect(limit.maxSize(forRoute: "/x") == 1)
        #expect(limit.maxSize(forRoute: "/a/c") == 2)
        #expect(limit.maxSize(forRoute: "/a/b/{id}") == 3)
    }
}
