import Foundation
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// The spec samples loaded into a fresh database: outlets, staff and the demo-visit template.
struct AuditFixture {
    let database: Database
    let tenant: Tenant

    static let sampleID = "6f1c1d2e-6a55-4c1e-9a53-3f1f3b2f2a10"
    /// A moment after every sample visit.
    static let now = Instant.parse("2026-09-15T12:00:00+08:00")!

    static func make() async throws -> AuditFixture {
        let (database, tenant) = try await TestDatabase.make()
        let samples = TestDatabase.samplesDirectory
        _ = try await importCSV(.outlets, file: samples.appendingPathComponent("outlets.csv"), tenant: tenant, database: database)
        _ = try await importCSV(.staff, file: samples.appendingPathComponent("staff.csv"), tenant: tenant, database: database)
        _ = try await TemplateQueries.add(
            tenant: tenant, json: try Data(contentsOf: samples.appendingPathComponent("template-demo-visit.json")),
            database: database)
        return AuditFixture(database: database, tenant: tenant)
    }

    /// The sample audit document (samples/audits.jsonl, first line).
    static var sampleDocument: Data {
        get throws {
            let text = try String(contentsOf: TestDatabase.samplesDirectory.appendingPathComponent("audits.jsonl"), encoding: .utf8)
            return Data(text.split(separator: "\n")[0].utf8)
        }
    }

    /// The sample template JSON as an editable dictionary.
    static func sampleTemplate(_ edit: (inout [String: Any]) -> Void) throws -> Data {
        let url = TestDatabase.samplesDirectory.appendingPathComponent("template-demo-visit.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        edit(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// A document like the sample, with changes.
    static func document(
        id: String = UUID().uuidString.lowercased(), template: String = "demo-visit", version: Int = 1,
        outlet: String = "O1", visitedAt: String = "2026-09-14T10:32:00+08:00", servedBy: String? = "E7",
        answers: [String: Any]? = nil, attachments: [[String: Any]]? = nil
    ) throws -> Data {
        var object: [String: Any] = [
            "id": id, "template": template, "templateVersion": version, "outlet": outlet, "visitedAt": visitedAt,
            "auditor": "agency-07/shopper-113",
            "answers": answers ?? ["A1": "yes", "A2": 4, "A3": "na", "S1": 75, "S2": "yes", "S3": "partial", "C1": "na", "C2": "等候区无人引导"],
            "attachments": attachments ?? [["item": "P1", "name": "front.jpg", "sha256": testSHA, "contentType": "image/jpeg"]],
        ]
        if let servedBy { object["servedBy"] = servedBy }
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// SHA-256 of the bytes "test" (the sample's declared P1 hash).
    static let testSHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    func submit(_ document: Data, by login: String = "agency-07", now: Date = AuditFixture.now) async throws -> AuditReceipt {
        try await AuditQueries.submit(tenant: tenant, document: document, submittedBy: login, now: now, database: database)
    }

    func export(period: String = "2026-09", template: String? = nil) async throws -> String {
        let out = LinesCollector()
        try await AuditExport.write(tenant: tenant, period: try Period.parse(period), template: template, database: database) { out.append($0) }
        return out.text
    }
}

/// Collects exported lines (the export calls back from the database thread).
final class LinesCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return lines.joined()
    }
}
