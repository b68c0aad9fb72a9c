import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOFoundationCompat
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore
import TouchstoneTestSupport

/// The real application on a fresh database holding the spec's samples, with a token per role.
struct TestApp {
    let database: Database
    let tenant: Tenant
    /// Bearer tokens by login: admin, analyst, rm (华东/上海), om1 (O1), om2 (O2), auditor, auditor2, e8 (staff).
    let tokens: [String: String]
    let application: Application<RouterResponder<AppRequestContext>>

    static func sample(_ name: String) -> URL { TestDatabase.samplesDirectory.appendingPathComponent(name) }

    /// - Parameters:
    ///   - configuration: Server settings (default: the defaults without upload rate limits, which
    ///     tests of other things would trip over).
    ///   - logger: The application's logger (default: Hummingbird's).
    static func make(configuration: ServerConfiguration = ServerConfiguration(uploadRateLimit: nil), logger: Logger? = nil) async throws -> TestApp {
        let (database, tenant) = try await TestDatabase.make()
        for kind in [ImportKind.outlets, .staff] {
            _ = try await importCSV(kind, file: sample("\(kind.rawValue).csv"), tenant: tenant, database: database)
        }
        _ = try await TemplateQueries.add(tenant: tenant, json: try Data(contentsOf: sample("template-demo-visit.json")), database: database)
        let users: [(String, Role, String?, String?, String?)] = [
            ("admin", .admin, nil, nil, nil), ("analyst", .analyst, nil, nil, nil),
            ("rm", .regionManager, "华东/上海", nil, nil), ("om1", .outletManager, nil, "O1", nil),
            ("om2", .outletManager, nil, "O2", nil), ("auditor", .auditor, nil, nil, nil),
            ("auditor2", .auditor, nil, nil, nil), ("e8", .staff, nil, nil, "E8"),
        ]
        var tokens: [String: String] = [:]
        for (login, role, region, outlet, employee) in users {
            try await IdentityQueries.addUser(
                tenant: tenant, login: login, displayName: nil, role: role, regionPath: region, outletCode: outlet,
                employeeNo: employee, database: database)
            tokens[login] = try await IdentityQueries.createToken(tenant: tenant, login: login, label: nil, days: 1, database: database).token
        }
        let router = buildRouter(
            database: database, migrator: try Migrator(directory: TestDatabase.sqlDirectory),
            configuration: configuration, drain: DrainState(), batches: BatchQueue())
        return TestApp(
            database: database, tenant: tenant, tokens: tokens,
            application: Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger))
    }

    /// The sample audit document (samples/audits.jsonl), optionally changed.
    static func sampleAudit(_ change: (inout [String: Any]) -> Void = { _ in }) throws -> Data {
        let line = try String(contentsOf: sample("audits.jsonl"), encoding: .utf8).split(separator: "\n").first!
        var object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        change(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    static func headers(_ token: String?, contentType: String = "application/json") -> HTTPFields {
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        fields[.contentType] = contentType
        return fields
    }
}

extension TestResponse {
    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8))) as? [String: Any] ?? [:]
    }
}
