import Foundation
public import PQ
public import TouchstoneCore

/// SQL for `batch_jobs`: the record of every batch run.
public enum BatchJobQueries {
    /// A job's columns, in ``BatchJob/init(row:)``'s order.
    static let columns: Query = """
        id, period, as_of, state, started_at, finished_at, kpi_rows, payout_rows, error, started_by,
        (inputs->>'audits')::integer, (inputs->>'responses')::integer, (inputs->>'complaints')::integer,
        (SELECT array_agg(k->>'code' ORDER BY k->>'code') FROM jsonb_array_elements(inputs->'kpis') AS k),
        (inputs->'recomputed'->>'outlets')::integer, (inputs->'recomputed'->>'staff')::integer
        """

    /// The tenant's jobs for `period` (all periods when nil), newest first.
    public static func list(tenant: Tenant, period: Period? = nil, limit: Int = 50, database: Database) async throws -> [BatchJob] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT \(fragment: columns) FROM batch_jobs
                WHERE \(period?.description)::text IS NULL OR period = \(period?.description)
                ORDER BY id DESC LIMIT \(limit)
                """
            ).decode(BatchJob.self)
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
                """)!.decode(Int64.self)
        }
    }

    /// Marks the run succeeded, inside the run's own transaction (so it commits with the results),
    /// with the snapshot it read after (the next rerun's reference, ``BatchRerun``) and, for an
    /// incremental run, what it recomputed.
    static func succeed(
        _ conn: PQConnection, jobID: Int64, kpiRows: Int, stepRows: Int, read: KPIBatch.Read,
        kpis: KPISnapshot, snapshot: String, recomputed: BatchInputs.Recomputed?
    ) throws -> BatchJob {
        try BatchJob(
            row: conn.queryFirst(
                """
                UPDATE batch_jobs
                SET state = 'succeeded', finished_at = clock_timestamp(), kpi_rows = \(kpiRows), payout_rows = \(stepRows),
                    inputs = coalesce(inputs, '{}'::jsonb) || jsonb_build_object('audits', \(read.audits)::integer, 'responses', \(read.responses)::integer,
                                                'complaints', \(read.complaints)::integer,
                                                'kpis', \(kpis.json)::jsonb, 'snapshot', \(snapshot)::text)
                             || CASE WHEN \(recomputed?.outlets)::integer IS NULL THEN '{}'::jsonb
                                     ELSE jsonb_build_object('recomputed', jsonb_build_object(
                                              'outlets', \(recomputed?.outlets)::integer, 'staff', \(recomputed?.staff)::integer)) END
                WHERE id = \(jobID)
                RETURNING \(fragment: columns)
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
}

extension BatchJob: PQRowDecodable {
    /// A row starting with ``BatchJobQueries``' `columns`.
    public init(row: PQRow) throws {
        let (state, audits, responses, complaints, kpis): (String, Int?, Int?, Int?, [String]?)
        (id, period, asOf, state, startedAt, finishedAt, kpiRows, payoutRows, error, startedBy, audits, responses, complaints, kpis) =
            try row.decode((Int64, String, Date, String, Date, Date?, Int?, Int?, String?, String, Int?, Int?, Int?, [String]?).self)
        let (outlets, staff) = try (row.decode(14, as: Int?.self), row.decode(15, as: Int?.self))
        self.state = State(rawValue: state) ?? .failed
        let recomputed = outlets.map { BatchInputs.Recomputed(outlets: $0, staff: staff ?? 0) }
        // No audit count: the run failed before it read anything.
        inputs = audits.map {
            BatchInputs(audits: $0, responses: responses ?? 0, complaints: complaints ?? 0, kpis: kpis ?? [], recomputed: recomputed)
        }
    }
}
