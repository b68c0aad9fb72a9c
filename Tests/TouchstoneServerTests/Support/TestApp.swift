import Foundation
import Hummingbird
import HummingbirdTesting
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

/// The real application on a fresh database with the spec samples (outlets, staff, the
/// demo-visit template) and one user with a token per role, driven through HTTP.
struct TestApp {
    /// Logins of the users `make()` creates, each with a token in ``tokens``.
    enum User: String, CaseIterable, Sendable {
        case admin = "hq-admin", analyst = "hq-analyst", regionManager = "rm-shanghai", outletManagerO1 = "om-o1",
             outletManagerO2 = "om-o2", auditor = "agency-07", otherAuditor = "agency-08", staffE8 = "staff-e8"
        /// The admin of another tenant (`globex`), for tenancy tests.
        case otherTenantAdmin = "globex-admin"
    }

    static let sampleID = "6f1c1d2e-6a55-4c1e-9a53-3f1f3b2f2a10"
    /// SHA-256 of the bytes "test" (the sample's declared P1 hash).
    static let testSHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    let database: Database
    let tenant: Tenant
    let tokens: [User: String]
    let router: Router<AppRequestContext>

    static func make() async throws -> TestApp {
        let (database, tenant) = try await TestDatabase.make()
        let samples = TestDatabase.samplesDirectory
        _ = try await importCSV(.outlets, file: samples.appendingPathComponent("outlets.csv"), tenant: tenant, database: database)
        _ = try await importCSV(.staff, file: samples.appendingPathComponent("staff.csv"), tenant: tenant, database: database)
        _ = try await TemplateQueries.add(
            tenant: tenant, json: try Data(contentsOf: samples.appendingPathComponent("template-demo-visit.json")), database: database)
        let other = try await TenantQueries.create(code: "globex", name: "Globex", timezone: "Asia/Shanghai", currency: "CNY", on: database)
        var tokens: [User: String] = [:]
        for user in User.allCases {
            let (role, region, outlet, employee): (Role, String?, String?, String?) = switch user {
            case .admin, .otherTenantAdmin: (.admin, nil, nil, nil)
            case .analyst: (.analyst, nil, nil, nil)
            case .regionManager: (.regionManager, "华东/上海", nil, nil)
            case .outletManagerO1: (.outletManager, nil, "O1", nil)
            case .outletManagerO2: (.outletManager, nil, "O2", nil)
            case .auditor, .otherAuditor: (.auditor, nil, nil, nil)
            case .staffE8: (.staff, nil, nil, "E8")
            }
            let home = user == .otherTenantAdmin ? other : tenant
            try await IdentityQueries.addUser(tenant: home, login: user.rawValue, displayName: nil, role: role, regionPath: region,
                                              outletCode: outlet, employeeNo: employee, database: database)
            tokens[user] = try await IdentityQueries.createToken(tenant: home, login: user.rawValue, label: "test", days: 1, database: database).token
        }
        let router = buildRouter(
            database: database, migrator: try Migrator(directory: TestDatabase.sqlDirectory), configuration: ServerConfiguration(),
            drain: DrainState())
        return TestApp(database: database, tenant: tenant, tokens: tokens, router: router)
    }

    /// Runs `body` against the application, in process (`.router`) or over a socket (`.live`).
    func run<Value: Sendable>(_ setup: TestingSetup = .router, _ body: @escaping @Sendable (APIClient) async throws -> Value) async throws -> Value {
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let tokens = tokens
        return try await app.test(setup) { client in try await body(APIClient(client: client, tokens: tokens)) }
    }

    /// The sample audit document (samples/audits.jsonl, first line).
    static var sampleDocument: Data {
        get throws {
            let text = try String(contentsOf: TestDatabase.samplesDirectory.appendingPathComponent("audits.jsonl"), encoding: .utf8)
            return Data(text.split(separator: "\n")[0].utf8)
        }
    }

    /// A document like the sample, with changes.
    static func document(id: String = UUID().uuidString.lowercased(), template: String = "demo-visit", outlet: String = "O1",
                         visitedAt: String = "2026-09-14T10:32:00+08:00", servedBy: String? = "E7",
                         answers: [String: Any]? = nil) throws -> Data {
        var object: [String: Any] = [
            "id": id, "template": template, "templateVersion": 1, "outlet": outlet, "visitedAt": visitedAt,
            "auditor": "agency-07/shopper-113",
            "answers": answers ?? ["A1": "yes", "A2": 4, "A3": "na", "S1": 75, "S2": "yes", "S3": "partial", "C1": "na"],
            "attachments": [["item": "P1", "name": "front.jpg", "sha256": testSHA, "contentType": "image/jpeg"]],
        ]
        if let servedBy { object["servedBy"] = servedBy }
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// The sample template JSON, edited.
    static func template(_ edit: (inout [String: Any]) -> Void) throws -> Data {
        let url = TestDatabase.samplesDirectory.appendingPathComponent("template-demo-visit.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        edit(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }
}

/// A test client that authenticates as one of ``TestApp/User``.
struct APIClient: Sendable {
    let client: any TestClientProtocol
    let tokens: [TestApp.User: String]

    /// Sends a request as `user` (nil: anonymous) with a raw body.
    func send(_ method: HTTPRequest.Method, _ uri: String, as user: TestApp.User?, body: Data? = nil,
              headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if let user { headers[.authorization] = "Bearer \(tokens[user]!)" }
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.executeRequest(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    }

    /// Sends a JSON object or array as the body.
    func send(_ method: HTTPRequest.Method, _ uri: String, as user: TestApp.User?, json: Any) async throws -> TestResponse {
        try await send(method, uri, as: user, body: try JSONSerialization.data(withJSONObject: json))
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed])) as? [String: Any] ?? [:]
    }

    /// The body as a JSON array (empty when it is not one).
    var jsonArray: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [[String: Any]] ?? []
    }

    /// The problem envelope's `error` object.
    var problem: [String: Any] { json["error"] as? [String: Any] ?? [:] }

    /// Paths of the problem's details.
    var problemPaths: [String] { (problem["details"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String } }

    /// Messages of the problem's details.
    var problemMessages: [String] { (problem["details"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String } }
}
