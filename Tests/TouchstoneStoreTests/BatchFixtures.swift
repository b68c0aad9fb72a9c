import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Test data for the batch: the spec samples, and audits written straight into the tables
/// (audit upload lives in another module; the batch only reads the stored scores).
enum BatchFixtures {
    static func sample(_ name: String) -> URL { TestDatabase.samplesDirectory.appendingPathComponent(name) }

    /// Imports the sample outlets, staff, surveys and complaints, defines the sample KPIs and stores the sample audit as released.
    static func loadSamples(_ database: Database, _ tenant: Tenant) async throws {
        for kind in [ImportKind.outlets, .staff, .surveys, .complaints] {
            _ = try await importCSV(kind, file: sample("\(kind.rawValue).csv"), tenant: tenant, database: database)
        }
        try await KPIDefinitionQueries.define(tenant: tenant, json: Data(contentsOf: sample("kpis.json")), database: database)
        let templateJSON = try Data(contentsOf: sample("template-demo-visit.json"))
        let template = try Template.parse(json: templateJSON)
        let line = try String(contentsOf: sample("audits.jsonl"), encoding: .utf8).split(separator: "\n").first!
        let document = try AuditDocument.parse(json: Data(line.utf8))
        let score = AuditScoring.score(template: template, answers: document.answers)
        try await insertTemplate(
            database, tenant, code: template.code, version: template.version, json: String(decoding: templateJSON, as: UTF8.self))
        try await insertAudit(
            database, tenant,
            StoredAudit(
                id: UUID(uuidString: document.id)!, template: document.template, version: document.templateVersion, outlet: document.outlet,
                visitedAt: document.visitedAt, servedBy: document.servedBy, state: "released", score: score.overall,
                criticalFailure: score.criticalFailure,
                sections: Dictionary(uniqueKeysWithValues: score.sections.compactMap { s in s.score.map { (s.code, $0) } }),
                dimensions: Dictionary(uniqueKeysWithValues: score.dimensions.compactMap { d in d.score.map { (d.dimension.rawValue, $0) } })))
    }

    /// An audit row with its section and dimension scores.
    struct StoredAudit: Sendable {
        var id = UUID()
        var template: String
        var version = 1
        var outlet: String
        var visitedAt: Date
        var servedBy: String?
        var state: String
        var score: Decimal?
        var criticalFailure: Bool
        var sections: [String: Decimal] = [:]
        var dimensions: [String: Decimal] = [:]
    }

    static func insertTemplate(_ database: Database, _ tenant: Tenant, code: String, version: Int, json: String = "{}") async throws {
        try await database.tenantTransaction(tenant) { conn in
            _ = try conn.execute(
                """
                INSERT INTO templates (tenant_id, code, version, name, definition)
                VALUES (app_current_tenant(), \(code), \(version), \(code), \(json)::jsonb) ON CONFLICT DO NOTHING
                """)
        }
    }

    static func insertAudit(_ database: Database, _ tenant: Tenant, _ audit: StoredAudit) async throws {
        try await database.tenantTransaction(tenant) { conn in
            try conn.execute(
                """
                INSERT INTO audits (tenant_id, id, template_code, template_version, outlet_id, visited_at, auditor, served_by,
                                    state, score, critical_failure, content_hash, document, submitted_by)
                SELECT app_current_tenant(), \(audit.id)::uuid, \(audit.template)::text, \(audit.version)::integer, o.id,
                       \(audit.visitedAt)::timestamptz, 'agency',
                       (SELECT id FROM staff WHERE employee_no = \(audit.servedBy)), \(audit.state)::text, \(audit.score)::numeric,
                       \(audit.criticalFailure)::boolean, 'test', '{}', 'test'
                FROM outlets o WHERE o.code = \(audit.outlet)
                """)
            for (code, score) in audit.sections {
                try conn.execute("INSERT INTO audit_section_scores VALUES (app_current_tenant(), \(audit.id), \(code), \(score))")
            }
            for (dimension, score) in audit.dimensions {
                try conn.execute("INSERT INTO audit_dimension_scores VALUES (app_current_tenant(), \(audit.id), \(dimension), \(score))")
            }
        }
    }

    static func defineKPIs(_ database: Database, _ tenant: Tenant, _ json: String) async throws {
        try await KPIDefinitionQueries.define(tenant: tenant, json: Data(json.utf8), database: database)
    }

    /// Imports `text` as a CSV file of `kind` (written to a temporary file, removed afterwards).
    static func importCSVText(_ database: Database, _ tenant: Tenant, _ kind: ImportKind, _ text: String) async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-\(UUID().uuidString)-\(kind.rawValue).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        _ = try await importCSV(kind, file: url, tenant: tenant, database: database)
    }

    /// The kpis export of `period` as one string.
    static func export(_ database: Database, _ tenant: Tenant, _ period: String, level: KPILevel? = nil) async throws -> String {
        let lines = Lines()
        try await KPIExport.write(tenant: tenant, period: Period(period)!, level: level, database: database) { lines.append($0) }
        return lines.text
    }

    static func instant(_ text: String) -> Date { Instant.parse(text)! }

    static func run(
        _ database: Database, _ tenant: Tenant, _ period: String, asOf: String = "2026-11-05T00:00:00+08:00",
        runner: BatchRunner = BatchRunner(), full: Bool = false
    ) async throws -> BatchJob {
        try await runner.run(tenant: tenant, period: Period(period)!, asOf: instant(asOf), full: full, startedBy: "test", database: database)
    }
}

/// Collects streamed lines (written from the database thread).
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []
    func append(_ line: String) { lock.withLock { collected.append(line) } }
    var text: String { lock.withLock { collected.joined() } }
}

/// A one-shot gate a batch step waits on, so a test can act while the batch transaction is open.
final class Gate: @unchecked Sendable {
    let reached = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)

    /// A batch step that signals it was reached and then waits for the release.
    var step: BatchStep {
        { _, _ in
            self.reached.signal()
            self.release.wait()
            return 0
        }
    }

    /// Waits (off the cooperative pool, at most 60 s) until the step is reached; false on time-out.
    func waitReached() async -> Bool {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            DispatchQueue.global().async {
                c.resume(returning: self.reached.wait(timeout: .now() + 60) == .success)
            }
        }
    }
}
