import Foundation
import PQ
public import TouchstoneCore

/// SQL for staff and their assignment history.
public enum StaffQueries {
    /// Staff ordered by employee number, `limit` at a time after the cursor `after`;
    /// optionally only those ever assigned to an outlet under `within` (region path) or at `outlet`.
    public static func list(
        tenant: Tenant, after: String?, limit: Int, within regionPath: String? = nil,
        outlet: String? = nil, database: Database
    ) async throws -> Page<StaffMember> {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            let numbers = try conn.query(
                """
                SELECT st.employee_no FROM staff st
                WHERE st.employee_no > \(after ?? "")
                  AND (\(regionPath)::text IS NULL AND \(outlet)::text IS NULL OR EXISTS (
                      SELECT 1 FROM assignments a JOIN outlets o ON o.tenant_id = a.tenant_id AND o.id = a.outlet_id
                      JOIN regions r ON r.tenant_id = o.tenant_id AND r.id = o.region_id
                      WHERE a.tenant_id = st.tenant_id AND a.staff_id = st.id
                        AND (\(outlet)::text IS NULL OR o.code = \(outlet))
                        AND (\(regionPath)::text IS NULL OR app_in_region_subtree(r.path, \(regionPath)))))
                ORDER BY st.employee_no LIMIT \(limit + 1)
                """
            ).map { try $0.decode(String.self) }
            let members = try load(conn, employeeNumbers: Array(numbers.prefix(limit)))
            return Page(items: members, next: numbers.count > limit ? members.last?.employeeNo : nil)
        }
    }

    /// One staff member with their history.
    public static func get(tenant: Tenant, employeeNo: String, database: Database) async throws -> StaffMember {
        let member = try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try load(conn, employeeNumbers: [employeeNo]).first
        }
        guard let member else { throw StoreError.notFound("staff \(employeeNo)") }
        return member
    }

    /// Creates a staff member (`replace` false) or replaces their name and whole history (`replace` true).
    public static func save(tenant: Tenant, member: StaffMember, replace: Bool, database: Database) async throws -> StaffMember {
        let problems = member.problems
        guard problems.isEmpty else { throw StoreError.invalid(problems) }
        return try await database.tenantTransaction(tenant) { conn in
            let id = try conn.queryFirst("SELECT id FROM staff WHERE employee_no = \(member.employeeNo) FOR UPDATE")?.decode(Int64.self)
            if id != nil && !replace { throw StoreError.conflict("staff \(member.employeeNo) already exists") }
            if id == nil && replace { throw StoreError.notFound("staff \(member.employeeNo)") }
            let staffID = try conn.queryFirst(
                """
                INSERT INTO staff (tenant_id, employee_no, name) VALUES (app_current_tenant(), \(member.employeeNo), \(member.name))
                ON CONFLICT (tenant_id, employee_no) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
                RETURNING id
                """)!.decode(Int64.self)
            try conn.execute("DELETE FROM assignments WHERE staff_id = \(staffID)")
            var unknown: [Problem] = []
            for (index, assignment) in member.assignments.enumerated() {
                let inserted = try conn.execute(
                    """
                    INSERT INTO assignments (tenant_id, staff_id, start_date, end_date, role, outlet_id, target_bonus)
                    SELECT app_current_tenant(), \(staffID), \(assignment.start.description)::date, \(assignment.end?.description)::date,
                           \(assignment.role), o.id, \(assignment.targetBonus)::numeric
                    FROM outlets o WHERE o.code = \(assignment.outlet)
                    """)
                if inserted == 0 {
                    unknown.append(Problem(path: "assignments[\(index)].outlet", message: "unknown outlet \(assignment.outlet)"))
                }
            }
            if !unknown.isEmpty { throw StoreError.invalid(unknown) }
            return member
        }
    }

    /// Loads the given staff members with their assignments, in employee-number order.
    static func load(_ conn: PQConnection, employeeNumbers: [String]) throws -> [StaffMember] {
        guard !employeeNumbers.isEmpty else { return [] }
        var members: [StaffMember] = []
        for row in try conn.query(
            """
            SELECT st.employee_no, st.name, o.code, a.role, a.start_date, a.end_date, a.target_bonus
            FROM staff st
            LEFT JOIN assignments a ON a.tenant_id = st.tenant_id AND a.staff_id = st.id
            LEFT JOIN outlets o ON o.tenant_id = a.tenant_id AND o.id = a.outlet_id
            WHERE st.employee_no = ANY(\(employeeNumbers))
            ORDER BY st.employee_no, a.start_date
            """)
        {
            let (number, name, outlet, role, start, end, targetBonus) = try row.decode(
                (String, String, String?, String?, String?, String?, Decimal?).self)
            if members.last?.employeeNo != number {
                members.append(StaffMember(employeeNo: number, name: name, assignments: []))
            }
            // No outlet: a member without assignments (the LEFT JOINs found none).
            guard let outlet, let role, let start else { continue }
            members[members.count - 1].assignments.append(
                Assignment(
                    outlet: outlet, role: role, start: CivilDate(start)!, end: end.flatMap(CivilDate.init),
                    targetBonus: targetBonus))
        }
        return members
    }
}
