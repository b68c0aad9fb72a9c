import Foundation
import Hummingbird
import HummingbirdTesting
import NIOFoundationCompat
import TouchstoneStore
import TouchstoneTestSupport

/// A test client that sends requests as one of ``TestApp``'s users (by login).
///
/// The one HTTP test harness of the API: every API test runs `app.run(.router | .live) { api in }`
/// (``TestApp/run(_:_:)``) and sends with ``send(_:_:as:body:headers:)``; none calls
/// `application.test` or `executeRequest` itself. Two other harnesses have other subjects and
/// stay: the pages' ``PageClient`` (a browser's password login, session cookie and CSRF fields,
/// Pages/PageFixture.swift) and the infrastructure's ``Harness`` (middleware on a bare
/// application with fake pools and captured logs, Infrastructure/InfrastructureTestSupport.swift).
struct APIClient: Sendable {
    let client: any TestClientProtocol
    let tokens: [String: String]

    /// Sends a request as `login` (nil: anonymous) with a raw body (JSON unless `headers` say otherwise).
    func send(
        _ method: HTTPRequest.Method, _ uri: String, as login: String?, body: Data? = nil,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if let login { headers[.authorization] = "Bearer \(tokens[login]!)" }
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.executeRequest(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(data: $0) })
    }

    /// Sends a JSON object or array as the body.
    func send(_ method: HTTPRequest.Method, _ uri: String, as login: String?, json: Any) async throws -> TestResponse {
        try await send(method, uri, as: login, body: try JSONSerialization.data(withJSONObject: json))
    }
}

extension TestApp {
    static let sampleID = "6f1c1d2e-6a55-4c1e-9a53-3f1f3b2f2a10"
    /// SHA-256 of the bytes "test" (the sample's declared P1 hash).
    static let testSHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    /// Runs `body` against the application, in process (`.router`) or over a socket (`.live`).
    func run<Value: Sendable>(_ setup: TestingSetup = .router, _ body: @escaping @Sendable (APIClient) async throws -> Value) async throws -> Value {
        let tokens = tokens
        return try await application.test(setup) { client in try await body(APIClient(client: client, tokens: tokens)) }
    }

    /// The sample audit with another id (default: a fresh one) and the given changes.
    static func document(
        id: String = UUID().uuidString.lowercased(), template: String = "demo-visit", outlet: String = "O1",
        visitedAt: String = "2026-09-14T10:32:00+08:00", servedBy: String? = "E7",
        answers: [String: Any]? = nil
    ) throws -> Data {
        try sampleAudit { document in
            document["id"] = id
            document["template"] = template
            document["outlet"] = outlet
            document["visitedAt"] = visitedAt
            document["servedBy"] = servedBy
            if let answers { document["answers"] = answers }
        }
    }

    /// The sample template JSON, edited.
    static func template(_ edit: (inout [String: Any]) -> Void) throws -> Data {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: sample("template-demo-visit.json"))) as! [String: Any]
        edit(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body object without `key`, serialized with sorted keys (for comparing bodies).
    func canonicalJSON(without key: String) throws -> String {
        var object = json
        object[key] = nil
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The problem envelope's `error` object.
    var problem: [String: Any] { json["error"] as? [String: Any] ?? [:] }

    /// Paths of the problem's details.
    var problemPaths: [String] { (problem["details"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String } }

    /// Messages of the problem's details.
    var problemMessages: [String] { (problem["details"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String } }
}
