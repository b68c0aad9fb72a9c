import Foundation
import PQ
import TouchstoneCore

/// SQL for `batch_jobs`: the record of every batch run.
public enum BatchJobQueries {
    static let columns = """
        id, period, as_of, state, started_at, finished_at, kpi_rows, payout_rows, error, started_by,
        (inputs->>'audits')::integer, (inputs->>'responses')::integer, (inputs->>'complaints')::integer,
        (SELECT array_agg(k->>'code' ORDER BY k->>'code') FROM jsonb_array_elements(inputs->'kpis') AS k)
        """

    /// The tenant's jobs for `period` (all periods when nil), newest first.
    public static func list(tenant: Tenant, period: Period? = nil, limit: Int = 50, database: Database) async throws -> [BatchJob] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT \(unsafeRaw: columns) FROM batch_jobs
                WHERE \(period?.description)::text IS NULL OR period = \(period?.description)
                ORDER BY id DESC LIMIT \(limit)
                """
            ).map(decode)
        }
    }

    /// Records a started run (committed at once, so it is visible while the run works).
    static func start(tenant: Tenant, period: Period, asOf: Date, startedBy: String, database: Database) async throws -> Int64 {
        try await database.tenantTransaction(tenant) { conn in
            try conn.queryFirst(
                """
                INSERT INTO batch_jobs (tenant_id, period, as_of, state, started_by)
                VALUES (app_current_tenant(), \(period.description), \(asOf), 'running', \(startedBy))
                RETURNING id
                """)!.decode(0, as: Int64.self)
        }
    }

    /// Marks the run succeeded, inside the run's own transaction (so it commits with the results).
    static func succeed(
        _ conn: PQConnection, jobID: Int64, kpiRows: Int, stepRows: Int, read: KPIBatch.Read,
        kpis: KPISnapshot
    ) throws -> BatchJob {
        try decode(
            conn.queryFirst(
                """
                UPDATE batch_jobs
                SET state = 'succeeded', finished_at = clock_timestamp(), kpi_rows = \(kpiRows), payout_rows = \(stepRows),
                    inputs = coalesce(inputs, '{}'::jsonb) || jsonb_build_object('audits', \(read.audits)::integer, 'responses', \(read.responses)::integer,
                                                'complaints', \(read.complaints)::integer,
                                                'kpis', \(kpis.json)::jsonb)
                WHERE id = \(jobID)
                RETURNING \(unsafeRaw: columns)
                """)!)
    }

    /// Marks the run failed with its reason, in a transaction of its own.
    static func fail(tenant: Tenant, jobID: Int64, error: String, database: Database) async throws {
        try await database.tenantTransaction(tenant) { conn in
            _ = try conn.execute(
                """
                UPDATE batch_jobs SET state = 'failed', finished_at = clock_timestamp(), error = \(error) WHERE id = \(jobID)
                """)
        }
    }

    static func decode(_ row: PQRow) throws -> BatchJob {
        let audits = try row.decode(10, as: Int?.self)
        let inputs = try audits.map { audits in
            BatchInputs(
                audits: audits, responses: try row.decode(11, as: Int?.self) ?? 0, complaints: try row.decode(12, as: Int?.self) ?? 0,
                kpis: try row.decode(13, as: [String]?.self) ?? [])
        }
        return BatchJob(
            id: try row.decode(0, as: Int64.self), period: try row.decode(1, as: String.self), asOf: try row.decode(2, as: Date.self),
            state: BatchJob.State(rawValue: try row.decode(3, as: String.self)) ?? .failed,
            startedAt: try row.decode(4, as: Date.self), finishedAt: try row.decode(5, as: Date?.self),
            kpiRows: try row.decode(6, as: Int?.self), payoutRows: try row.decode(7, as: Int?.self), inputs: inputs,
            error: try row.decode(8, as: String?.self), startedBy: try row.decode(9, as: String.self))
    }
}
