import Foundation
public import PQ
public import TouchstoneCore

/// SQL for reading and approving payouts (the batch writes them: ``PayoutStep``).
public enum PayoutQueries {
    /// A payout row's columns, in ``PayoutRow/init(row:)``'s order.
    static let columns: Query = """
        period, employee_no, name, plan_code, plan_version, nullif(adjusts_period, ''), prorated_target, score_pct, payout,
        currency, note, approved_by, approved_at
        """
    /// The payout rows' order: by employee number, plan, then adjusted period.
    static let order: Query = "employee_no COLLATE \"C\", plan_code COLLATE \"C\", adjusts_period COLLATE \"C\""

    /// The period's payout rows (only `employeeNo`'s when given), by employee number, plan,
    /// then adjusted period.
    public static func list(tenant: Tenant, period: Period, employeeNo: String? = nil, database: Database) async throws -> [PayoutRow] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT \(fragment: columns) FROM payouts
                WHERE period = \(period.description) AND (\(employeeNo)::text IS NULL OR employee_no = \(employeeNo))
                ORDER BY \(fragment: order)
                """
            ).decode(PayoutRow.self)
        }
    }

    /// One person's explanations for the period, one per row (plan, adjustment), as the
    /// stored JSON (``PayoutExplanation``'s Codable form) in row order.
    /// - Throws: ``StoreError/notFound(_:)`` when the person has no payout in the period.
    public static func explanationJSON(tenant: Tenant, period: Period, employeeNo: String, database: Database) async throws -> [String] {
        let found = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try conn.query(
                """
                SELECT explanation::text FROM payouts WHERE period = \(period.description) AND employee_no = \(employeeNo)
                ORDER BY \(fragment: order)
                """
            ).decode(String.self)
        }
        guard !found.isEmpty else { throw StoreError.notFound("payout of \(employeeNo) in \(period)") }
        return found
    }

    /// One person's explanations for the period, decoded (`touchstone explain` prints their `text`).
    public static func explanations(tenant: Tenant, period: Period, employeeNo: String, database: Database) async throws -> [PayoutExplanation] {
        try await explanationJSON(tenant: tenant, period: period, employeeNo: employeeNo, database: database).map { text in
            do {
                return try PayoutExplanationJSON.decode(text)
            } catch {
                throw StoreError.invalidState("stored explanation of \(employeeNo) does not decode: \(error)")
            }
        }
    }

    /// Approves every payout row of the period's run: sets `approved_by`/`approved_at`, under
    /// the four-eyes rule (``FourEyes/approvalRefusal(period:ranBy:approver:)``), checked in the
    /// same transaction with the rows locked, so a rerun cannot slip in between.
    /// - Returns: the number of rows approved.
    /// - Throws: ``StoreError/notFound(_:)`` when the period has no payouts,
    ///   ``StoreError/invalidState(_:)`` when the approver ran the batch that computed them,
    ///   ``StoreError/periodClosed(_:)`` when it is closed.
    @discardableResult
    public static func approve(tenant: Tenant, period: Period, by approver: FourEyes.Approver, database: Database) async throws -> Int {
        try await database.tenantTransaction(tenant) { conn in
            let key = period.description
            // Stamp first: the rows are then locked by this transaction, so the run read below
            // is the one being approved; a refusal rolls the stamp back.
            let count = try conn.execute(
                """
                UPDATE payouts SET approved_by = \(approver.name), approved_at = now() WHERE period = \(key)
                """)
            guard count > 0 else { throw StoreError.notFound("payouts of \(period)") }
            for ranBy in try runners(conn, period: period) {
                if let refusal = FourEyes.approvalRefusal(period: key, ranBy: ranBy, approver: approver) {
                    throw StoreError.invalidState(refusal)
                }
            }
            try conn.execute(
                """
                INSERT INTO change_log (tenant_id, actor, action, entity, entity_key, after)
                VALUES (app_current_tenant(), app_actor(), 'approve', 'payouts', \(key), jsonb_build_object('rows', \(count)::integer))
                """)
            return count
        }
    }

    /// Who ran the batch whose payouts `period` holds: the starter of the period's latest run that
    /// succeeded (empty when the period has no payouts, or none of them came from a run). An
    /// incremental rerun keeps the rows it did not change, with the job that wrote them, and still
    /// stands for the whole period's payouts, as a full run does.
    public static func ranBy(tenant: Tenant, period: Period, database: Database) async throws -> [String?] {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in try runners(conn, period: period) }
    }

    static func runners(_ conn: PQConnection, period: Period) throws -> [String?] {
        try conn.query(
            """
            SELECT b.started_by FROM batch_jobs b
            WHERE b.period = \(period.description) AND b.state = 'succeeded'
              AND b.id >= (SELECT min(p.job_id) FROM payouts p WHERE p.period = \(period.description))
            ORDER BY b.id DESC LIMIT 1
            """
        ).decode(String?.self)
    }

}

extension PayoutRow: PQRowDecodable {
    /// A row starting with ``PayoutQueries``' `columns`.
    public init(row: PQRow) throws {
        (
            period, employeeNo, name, plan, planVersion, adjustsPeriod, proratedTarget, scorePct, payout, currency, note,
            approvedBy, approvedAt
        ) = try row.decode((String, String, String, String, Int, String?, Decimal, Decimal, Decimal, String, String, String?, Date?).self)
    }
}
