public import Foundation
import PQ
public import TouchstoneCore

/// SQL for checklist templates (formats.md "Template"). A version once used by an audit is
/// immutable: the trigger of sql/0002_audits.sql refuses the change (``StoreError/immutable(_:)``).
public enum TemplateQueries {
    /// Adds a template version from its JSON: a new code or version is created; the same
    /// version with identical content is left unchanged; other content replaces it only
    /// while no audit uses it.
    /// - Throws: ``StoreError/invalid(_:)`` listing every problem of the template;
    ///   ``StoreError/immutable(_:)`` when the version is in use and the content differs.
    public static func add(tenant: Tenant, json: Data, database: Database) async throws -> (template: Template, outcome: TemplateAddOutcome) {
        let value: JSONValue
        let template: Template
        do {
            value = try JSONValue.parse(json)
            template = try Template.parse(value)
        } catch {
            throw StoreError.invalid(error.problems)
        }
        let canonical = value.canonicalText
        let hash = Hashing.sha256Hex(Data(canonical.utf8))
        let outcome = try await database.tenantTransaction(tenant) { conn -> TemplateAddOutcome in
            let existing = try conn.queryFirst(
                """
                SELECT coalesce(definition_hash, '') FROM templates WHERE code = \(template.code) AND version = \(template.version) FOR UPDATE
                """)
            guard let existing else {
                try conn.execute(
                    """
                    INSERT INTO templates (tenant_id, code, version, name, require_review, dispute_days, definition, definition_hash)
                    VALUES (app_current_tenant(), \(template.code), \(template.version), \(template.name), \(template.requireReview),
                            \(template.disputeDays), \(canonical)::jsonb, \(hash))
                    ON CONFLICT (tenant_id, code, version) DO NOTHING
                    """)
                return .created
            }
            if try existing.decode(String.self) == hash { return .unchanged }
            // Wait for uploads in flight, so the trigger sees every audit that uses the version.
            try conn.execute("LOCK TABLE audits IN SHARE MODE")
            try conn.execute(
                """
                UPDATE templates SET name = \(template.name), require_review = \(template.requireReview),
                       dispute_days = \(template.disputeDays), definition = \(canonical)::jsonb, definition_hash = \(hash)
                WHERE code = \(template.code) AND version = \(template.version)
                """)
            return .replaced
        }
        TemplateCache.shared.store(template, hash: hash)
        return (template, outcome)
    }

    /// Every template version, by code then version, with how many audits use it.
    public static func list(tenant: Tenant, database: Database) async throws -> [TemplateSummary] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT t.code, t.version, t.name, t.require_review, t.dispute_days,
                       (SELECT count(*) FROM audits a WHERE a.template_code = t.code AND a.template_version = t.version)
                FROM templates t ORDER BY t.code, t.version
                """
            ).map { row in
                let (code, version, name, requireReview, disputeDays, audits) = try row.decode((String, Int, String, Bool, Int, Int).self)
                return TemplateSummary(
                    code: code, version: version, name: name, requireReview: requireReview, disputeDays: disputeDays, audits: audits)
            }
        }
    }

    /// One template version.
    public static func get(tenant: Tenant, code: String, version: Int, database: Database) async throws -> Template {
        let template = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try load(conn, code: code, version: version)
        }
        guard let template else { throw StoreError.notFound("template \(code) version \(version)") }
        return template
    }

    /// The highest version of a template.
    public static func latest(tenant: Tenant, code: String, database: Database) async throws -> Template {
        let template = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try load(conn, code: code, version: nil)
        }
        guard let template else { throw StoreError.notFound("template \(code)") }
        return template
    }

    /// The version `version` of `code` (nil: the latest), parsed through the cache.
    static func load(_ conn: PQConnection, code: String, version: Int?) throws -> Template? {
        guard
            let row = try conn.queryFirst(
                """
                SELECT coalesce(definition_hash, encode(sha256(convert_to(definition::text, 'UTF8')), 'hex')), version
                FROM templates WHERE code = \(code) AND (\(version)::bigint IS NULL OR version = \(version)::bigint)
                ORDER BY version DESC LIMIT 1
                """)
        else { return nil }
        let (hash, storedVersion) = try row.decode((String, Int).self)
        return try cached(conn, hash: hash, code: code, version: storedVersion)
    }

    /// The template with content `hash`, from the cache or parsed from the stored definition.
    static func cached(_ conn: PQConnection, hash: String, code: String, version: Int) throws -> Template {
        if let template = TemplateCache.shared.template(hash: hash) { return template }
        guard let row = try conn.queryFirst("SELECT definition::text FROM templates WHERE code = \(code) AND version = \(version)") else {
            throw StoreError.notFound("template \(code) version \(version)")
        }
        let definition = Data(try row.decode(String.self).utf8)
        let template: Template
        do {
            template = try Template.parse(json: definition)
        } catch {
            throw StoreError.invalid(error.problems.map { Problem(path: "template \(code) v\(version) " + $0.path, message: $0.message) })
        }
        TemplateCache.shared.store(template, hash: hash)
        return template
    }
}
