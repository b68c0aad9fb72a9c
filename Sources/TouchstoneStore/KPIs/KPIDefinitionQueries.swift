public import Foundation
import PQ
public import TouchstoneCore

/// SQL for KPI definitions (formats.md "Definitions"; rules.md §4).
public enum KPIDefinitionQueries {
    /// Parses a JSON array of KPI definitions and upserts them by code, keeping each item's
    /// JSON as given. Every problem is listed (``StoreError/invalid(_:)``); nothing is stored then.
    /// - Returns: the definitions, in file order.
    @discardableResult
    public static func define(tenant: Tenant, json: Data, database: Database) async throws -> [KPIDefinition] {
        let definitions: [KPIDefinition]
        do {
            definitions = try KPIDefinition.parseList(json: json)
        } catch {
            throw StoreError.invalid(error.problems)
        }
        let text = String(decoding: json, as: UTF8.self)
        try await database.tenantTransaction(tenant) { conn in
            _ = try conn.execute(
                """
                INSERT INTO kpi_definitions AS d (tenant_id, code, name, metric, template_code, direction, unit,
                                                  threshold, target, stretch, min_sample, definition)
                SELECT app_current_tenant(), k.code, k.name, k.metric, k.template_code, k.direction, k.unit,
                       k.threshold, k.target, k.stretch, k.min_sample, j.item
                FROM unnest(\(definitions.map(\.code))::text[], \(definitions.map(\.name))::text[],
                            \(definitions.map(\.metric.description))::text[], \(definitions.map { $0.metric.isAudit ? $0.template : nil })::text[],
                            \(definitions.map(\.direction.rawValue))::text[], \(definitions.map(\.unit))::text[],
                            \(definitions.map(\.threshold))::numeric[], \(definitions.map(\.target))::numeric[],
                            \(definitions.map(\.stretch))::numeric[], \(definitions.map(\.minSample))::integer[])
                     WITH ORDINALITY AS k (code, name, metric, template_code, direction, unit, threshold, target, stretch, min_sample, position)
                JOIN jsonb_array_elements(\(text)::jsonb) WITH ORDINALITY AS j (item, position) ON j.position = k.position
                ON CONFLICT (tenant_id, code) DO UPDATE
                SET name = EXCLUDED.name, metric = EXCLUDED.metric, template_code = EXCLUDED.template_code,
                    direction = EXCLUDED.direction, unit = EXCLUDED.unit, threshold = EXCLUDED.threshold,
                    target = EXCLUDED.target, stretch = EXCLUDED.stretch, min_sample = EXCLUDED.min_sample,
                    definition = EXCLUDED.definition, updated_at = now()
                WHERE d.definition IS DISTINCT FROM EXCLUDED.definition
                """)
        }
        return definitions
    }

    /// Every KPI definition of the tenant, ordered by code.
    public static func list(tenant: Tenant, database: Database) async throws -> [KPIDefinition] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try load(conn)
        }
    }

    /// One KPI definition by code.
    public static func get(tenant: Tenant, code: String, database: Database) async throws -> KPIDefinition {
        let found = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try load(conn, code: code).first
        }
        guard let found else { throw StoreError.notFound("KPI \(code)") }
        return found
    }

    /// What a batch run reads: the definitions as stored JSON (one array, ordered by code; the
    /// job records it) and parsed from that very text, in one statement.
    /// - Throws: ``StoreError/invalidState(_:)`` when the text no longer parses.
    static func snapshot(_ conn: PQConnection) throws -> KPISnapshot {
        let json = try conn.queryFirst(
            """
            SELECT coalesce(jsonb_agg(definition ORDER BY code COLLATE "C"), '[]')::text FROM kpi_definitions
            """)!.decode(String.self)
        return try KPISnapshot(json: json)
    }

    /// The definitions in `conn`'s tenant (all, or the one with `code`), ordered by code.
    static func load(_ conn: PQConnection, code: String? = nil) throws -> [KPIDefinition] {
        try conn.query(
            """
            SELECT code, name, metric, template_code, direction, coalesce(unit, ''), threshold, target, stretch, min_sample
            FROM kpi_definitions WHERE \(code)::text IS NULL OR code = \(code) ORDER BY code COLLATE "C"
            """
        ).map { row in
            let (code, name, metric, template, direction, unit, threshold, target, stretch, minSample) = try row.decode(
                (String, String, String, String?, String, String, Decimal, Decimal, Decimal?, Int).self)
            guard let metric = Metric(metric), let direction = Direction(rawValue: direction) else {
                throw StoreError.invalidState("stored KPI \(code) has an unknown metric or direction")
            }
            return KPIDefinition(
                code: code, name: name, metric: metric, template: template, direction: direction, unit: unit,
                threshold: threshold, target: target, stretch: stretch, minSample: minSample)
        }
    }
}
