import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// formats.md CSV imports against a real PostgreSQL: the samples, idempotence, error reports.
@Suite struct ImportTests {
    static func sample(_ name: String) -> URL { TestDatabase.samplesDirectory.appendingPathComponent(name) }

    static func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        return url
    }

    static func loadSamples(_ database: Database, _ tenant: Tenant) async throws -> [ImportKind: ImportReport] {
        var reports: [ImportKind: ImportReport] = [:]
        for kind in [ImportKind.outlets, .staff, .surveys, .complaints] {
            reports[kind] = try await importCSV(kind, file: sample("\(kind.rawValue).csv"), tenant: tenant, database: database)
        }
        return reports
    }

    /// A large import analyses the tables it wrote (sql/0400), so a batch right after it is planned
    /// on what is there; a small one leaves that to autovacuum.
    @Test func largeImportsAnalyseTheirTables() async throws {
        let (database, tenant) = try await TestDatabase.make()
        func lastAnalysed() async throws -> [String: Date?] {
            try await database.tenantTransaction(tenant, readOnly: true) { conn in
                var analysed: [String: Date?] = [:]
                for row in try conn.query("SELECT relname, last_analyze FROM pg_stat_user_tables WHERE relname IN ('outlets', 'regions')") {
                    let (table, at) = try row.decode((String, Date?).self)
                    analysed[table] = at
                }
                return analysed
            }
        }
        func outlets(_ codes: ClosedRange<Int>) throws -> URL {
            try Self.write("code,name,region_path\n" + codes.map { "O\($0),Outlet \($0),华东/R\($0 % 7)\n" }.joined())
        }
        _ = try await importCSV(.outlets, file: try outlets(1...3), tenant: tenant, database: database)
        #expect(try await lastAnalysed() == ["outlets": nil, "regions": nil])
        _ = try await importCSV(.outlets, file: try outlets(4...63), tenant: tenant, database: database)
        let analysed = try await lastAnalysed()
        #expect(analysed.count == 2 && analysed.values.allSatisfy { $0 != nil })
        // 6 more rows, fewer than autovacuum's 50 + 10% of the 63 now known: not analysed again.
        _ = try await importCSV(.outlets, file: try outlets(64...69), tenant: tenant, database: database)
        #expect(try await lastAnalysed() == analysed)
    }

    @Test func samplesImportAndReimportChangesNothing() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let first = try await Self.loadSamples(database, tenant)
        #expect(first[.outlets]?.inserted == 3)
        #expect(first[.staff]?.inserted == 4)
        #expect(first[.surveys]?.inserted == 4)
        #expect(first[.complaints]?.inserted == 2)

        let second = try await Self.loadSamples(database, tenant)
        for (kind, report) in second {
            #expect(report.inserted == 0, "\(kind)")
            #expect(report.updated == 0, "\(kind)")
            #expect(report.unchanged == report.rows, "\(kind)")
        }

        let outlet = try await OutletQueries.get(tenant: tenant, code: "O2", database: database)
        #expect(outlet.name == "徐汇服务中心")
        #expect(outlet.regionPath == "华东/上海/徐汇")
        #expect(outlet.openedOn == CivilDate("2020-07-15"))

        let e7 = try await StaffQueries.get(tenant: tenant, employeeNo: "E7", database: database)
        #expect(e7.assignments.map(\.outlet) == ["O1", "O2"])
        #expect(e7.assignments[0].end == CivilDate("2026-09-20"))
        #expect(e7.assignments[1].end == nil)
        #expect(e7.assignments[1].targetBonus == Decimal(2400))
    }

    @Test func reimportWithSomeRowsChangedCountsThemAndStoresTheNewValues() async throws {
        let (database, tenant) = try await TestDatabase.make()
        _ = try await Self.loadSamples(database, tenant)
        // R1 and R4 as stored; R2 moves to O2 and gains E7; R3 changes its scores; R5 is new.
        let surveys = try Self.write(
            """
            response_id,outlet_code,employee_no,responded_at,channel,sat,nps
            R1,O1,E8,2026-09-03T10:00:00+08:00,phone,5,10
            R2,O2,E7,2026-09-04T11:20:00+08:00,sms,4,8
            R3,O2,E7,2026-09-25T09:15:00+08:00,phone,3,
            R4,O2,,2026-09-30T16:30:00Z,phone,5,9
            R5,O3,E9,2026-10-01T08:00:00+08:00,web,1,0
            """)
        // C1 is resolved later; C2 as stored; C3 is new.
        let complaints = try Self.write(
            """
            complaint_id,outlet_code,employee_no,severity,opened_at,first_response_at,resolved_at
            C1,O1,E8,high,2026-09-05T09:00:00+08:00,2026-09-05T09:40:00+08:00,2026-09-06T08:00:00+08:00
            C2,O2,,medium,2026-09-12T14:00:00+08:00,2026-09-13T10:00:00+08:00,
            C3,O3,E9,low,2026-10-02T12:00:00+08:00,,
            """)
        defer {
            try? FileManager.default.removeItem(at: surveys)
            try? FileManager.default.removeItem(at: complaints)
        }
        let surveyReport = try await importCSV(.surveys, file: surveys, tenant: tenant, database: database)
        #expect([surveyReport.rows, surveyReport.inserted, surveyReport.updated, surveyReport.unchanged] == [5, 1, 2, 2] as [Int])
        let complaintReport = try await importCSV(.complaints, file: complaints, tenant: tenant, database: database)
        #expect([complaintReport.rows, complaintReport.inserted, complaintReport.updated, complaintReport.unchanged] == [3, 1, 1, 1] as [Int])

        let stored = try await database.tenantTransaction(tenant) { conn in
            try conn.query(
                """
                SELECT r.response_id || ' ' || o.code || ' ' || coalesce(st.employee_no, '-') || ' ' || r.channel || ' '
                       || r.sat || ' ' || coalesce(r.nps::text, '-')
                FROM survey_responses r JOIN outlets o ON o.tenant_id = r.tenant_id AND o.id = r.outlet_id
                LEFT JOIN staff st ON st.tenant_id = r.tenant_id AND st.id = r.staff_id
                UNION ALL
                SELECT c.complaint_id || ' ' || o.code || ' ' || coalesce(st.employee_no, '-') || ' ' || c.severity || ' '
                       || coalesce(to_char(c.resolved_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), '-')
                FROM complaints c JOIN outlets o ON o.tenant_id = c.tenant_id AND o.id = c.outlet_id
                LEFT JOIN staff st ON st.tenant_id = c.tenant_id AND st.id = c.staff_id
                ORDER BY 1
                """
            ).map { try $0.decode(0, as: String.self) }
        }
        #expect(
            stored == [
                "C1 O1 E8 high 2026-09-06 08:00", "C2 O2 - medium -", "C3 O3 E9 low -",
                "R1 O1 E8 phone 5 10", "R2 O2 E7 sms 4 8", "R3 O2 E7 phone 3 -", "R4 O2 - phone 5 9", "R5 O3 E9 web 1 0",
            ])

        // The same files again: every row unchanged.
        for (kind, file) in [(ImportKind.surveys, surveys), (.complaints, complaints)] {
            let again = try await importCSV(kind, file: file, tenant: tenant, database: database)
            #expect(again.inserted == 0 && again.updated == 0 && again.unchanged == again.rows, "\(kind)")
        }
    }

    /// Two imports of the same new key: the second waits for the first and, when it commits,
    /// fails whole as a conflict (a unique violation) instead of losing or doubling the row.
    @Test func aNewKeyImportedConcurrentlyIsAConflict() async throws {
        let (database, tenant) = try await TestDatabase.make()
        _ = try await Self.loadSamples(database, tenant)
        let file = try Self.write(
            """
            response_id,outlet_code,employee_no,responded_at,channel,sat,nps
            N1,O1,E8,2026-10-03T10:00:00+08:00,phone,5,10
            N2,O2,,2026-10-04T10:00:00+08:00,sms,3,
            """)
        defer { try? FileManager.default.removeItem(at: file) }
        let gate = Gate()
        let first = Task {
            try await database.pool.withTransaction(settings: [("app.tenant_id", String(tenant.id))]) { conn in
                _ = try conn.execute(
                    """
                    INSERT INTO survey_responses (tenant_id, response_id, outlet_id, responded_at, sat)
                    SELECT app_current_tenant(), 'N2', id, now(), 1 FROM outlets WHERE code = 'O3'
                    """)
                gate.reached.signal()
                gate.release.wait()
            }
        }
        try #require(await gate.waitReached())
        let second = Task { try await importCSV(.surveys, file: file, tenant: tenant, database: database) }
        // Until the import waits for the first transaction's key (polled, bounded by a minute).
        var waiting = false
        for _ in 0..<600 where !waiting {
            waiting = try await database.pool.withConnection { conn in
                try conn.queryFirst(
                    """
                    SELECT count(*) > 0 FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO survey_responses%'
                    """)!.decode(0, as: Bool.self)
            }
            if !waiting { try await Task.sleep(for: .milliseconds(100)) }
        }
        gate.release.signal()
        try await first.value
        #expect(waiting)
        await #expect(throws: StoreError.conflict("the change conflicts with stored data (a duplicate or an overlap)")) {
            try await second.value
        }
        // The first transaction's row stands; the import changed nothing.
        let stored = try await database.tenantTransaction(tenant) { conn in
            try conn.query("SELECT response_id || ' ' || sat FROM survey_responses WHERE response_id LIKE 'N%' ORDER BY 1").map {
                try $0.decode(0, as: String.self)
            }
        }
        #expect(stored == ["N2 1"])
    }

    @Test func orgTreeIsBuiltFromRegionPaths() async throws {
        let (database, tenant) = try await TestDatabase.make()
        _ = try await importCSV(.outlets, file: Self.sample("outlets.csv"), tenant: tenant, database: database)
        let page = try await OutletQueries.list(tenant: tenant, after: nil, limit: 10, within: "华东/上海", database: database)
        #expect(page.items.map(\.code) == ["O1", "O2"])
        let all = try await OutletQueries.list(tenant: tenant, after: nil, limit: 2, database: database)
        #expect(all.items.map(\.code) == ["O1", "O2"])
        #expect(all.next == "O2")
        let rest = try await OutletQueries.list(tenant: tenant, after: all.next, limit: 2, database: database)
        #expect(rest.items.map(\.code) == ["O3"])
        #expect(rest.next == nil)
    }

    @Test func threeBadRowsAreAllReportedAndNothingIsImported() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let file = try Self.write(
            """
            code,name,type,region_path,opened_on,closed_on,city
            A1,好店,dealer,华东/上海,2020-01-01,,上海
            A2,,dealer,华东/上海,2020-01-01,,上海
            A3,坏日期,dealer,华东/上海,2020-13-01,,上海
            A4,空路径,dealer,华东//上海,2020-01-01,,上海
            A5,也好,dealer,华北,2021-02-03,,北京

            """)
        defer { try? FileManager.default.removeItem(at: file) }
        await #expect(
            throws: StoreError.invalid([
                Problem(path: "line 3, column name", message: "a value is required"),
                Problem(path: "line 4, column opened_on", message: "\"2020-13-01\" is not a date (YYYY-MM-DD)"),
                Problem(
                    path: "line 5, column region_path", message: "every part of the path must be non-empty, without surrounding spaces (华东/上海/浦东)"),
            ])
        ) {
            try await importCSV(.outlets, file: file, tenant: tenant, database: database)
        }
        let page = try await OutletQueries.list(tenant: tenant, after: nil, limit: 10, database: database)
        #expect(page.items.isEmpty)
    }

    @Test func skipInvalidImportsTheRestAndReportsRejectedRows() async throws {
        let (database, tenant) = try await TestDatabase.make()
        _ = try await Self.loadSamples(database, tenant)
        let file = try Self.write(
            """
            response_id,outlet_code,employee_no,responded_at,channel,sat,nps
            X1,O1,,2026-10-03T10:00:00+08:00,phone,5,
            X2,O9,,2026-10-03T10:00:00+08:00,phone,5,
            X3,O1,,2026-10-03T10:00:00,phone,5,
            X4,O1,E8,2026-10-04T10:00:00+08:00,sms,6,11
            """)
        defer { try? FileManager.default.removeItem(at: file) }
        let report = try await importCSV(.surveys, file: file, tenant: tenant, options: ImportOptions(skipInvalid: true), database: database)
        #expect(report.rows == 4)
        #expect(report.inserted == 1)
        #expect(report.rejected.map(\.line) == [3, 4, 5])
        #expect(report.rejected[0].errors == ["line 3, column outlet_code: unknown outlet O9"])
        #expect(
            report.rejected[1].errors == [
                "line 4, column responded_at: \"2026-10-03T10:00:00\" is not an instant with an offset (2026-10-31T23:30:00+08:00)"
            ])
        #expect(report.rejected[2].errors.count == 2)
        #expect(report.rejected[0].fields == ["X2", "O9", "", "2026-10-03T10:00:00+08:00", "phone", "5", ""])
    }

    @Test func bomHeaderOrderAndQuotedFieldsAreAccepted() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let file = try Self.write("\u{FEFF}city,code,region_path,name\r\n上海,Q1,华东,\"Quote \"\"店\"\", 1\"\r\n")
        defer { try? FileManager.default.removeItem(at: file) }
        let report = try await importCSV(.outlets, file: file, tenant: tenant, database: database)
        #expect(report.inserted == 1)
        let outlet = try await OutletQueries.get(tenant: tenant, code: "Q1", database: database)
        #expect(outlet.name == "Quote \"店\", 1")
        #expect(outlet.city == "上海")
    }

    @Test func unknownColumnsAreAnErrorUnlessIgnored() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let file = try Self.write("code,name,region_path,colour\nQ1,店,华东,red\n")
        defer { try? FileManager.default.removeItem(at: file) }
        await #expect(
            throws: StoreError.invalid([
                Problem(
                    path: "line 1, column colour",
                    message:
                        "unknown column (expected code,name,type,region_path,opened_on,closed_on,city,latitude,longitude); use --ignore-extra to ignore it"
                )
            ])
        ) {
            try await importCSV(.outlets, file: file, tenant: tenant, database: database)
        }
        let report = try await importCSV(.outlets, file: file, tenant: tenant, options: ImportOptions(ignoreExtraColumns: true), database: database)
        #expect(report.inserted == 1)
    }

    @Test func overlappingAssignmentsAreRefusedWithTheirLines() async throws {
        let (database, tenant) = try await TestDatabase.make()
        _ = try await importCSV(.outlets, file: Self.sample("outlets.csv"), tenant: tenant, database: database)
        _ = try await importCSV(.staff, file: Self.sample("staff.csv"), tenant: tenant, database: database)
        let file = try Self.write(
            """
            employee_no,name,role,outlet_code,start_date,end_date,target_bonus
            E8,李强,service_advisor,O2,2026-01-01,2026-02-01,1800.00
            N1,新人,cashier,O1,2026-01-01,2026-03-31,
            N1,新人,cashier,O2,2026-03-15,,
            """)
        defer { try? FileManager.default.removeItem(at: file) }
        await #expect(
            throws: StoreError.invalid([
                Problem(
                    path: "line 2, column start_date", message: "assignment of E8 from 2026-01-01 overlaps the one from 2024-05-01 already stored"),
                Problem(path: "line 4, column start_date", message: "assignment of N1 from 2026-03-15 overlaps the one from 2026-01-01 on line 3"),
            ])
        ) {
            try await importCSV(.staff, file: file, tenant: tenant, database: database)
        }
    }

    @Test func tenantsCannotSeeEachOther() async throws {
        let database = try await TestDatabase.makeEmpty()
        let acme = try await TestDatabase.createTenant(code: "acme", in: database)
        let other = try await TestDatabase.createTenant(code: "other", timezone: "Europe/Berlin", currency: "EUR", in: database)
        _ = try await importCSV(.outlets, file: Self.sample("outlets.csv"), tenant: acme, database: database)
        let seenByOther = try await OutletQueries.list(tenant: other, after: nil, limit: 10, database: database)
        #expect(seenByOther.items.isEmpty)
        await #expect(throws: StoreError.notFound("outlet O1")) {
            try await OutletQueries.get(tenant: other, code: "O1", database: database)
        }
        // The runtime role with no tenant set sees no rows at all.
        let rows = try await database.pool.withTransaction(settings: [("role", Database.runtimeRole)]) { conn in
            try conn.queryFirst("SELECT (SELECT count(*) FROM outlets) + (SELECT count(*) FROM regions) + (SELECT count(*) FROM tenants)")!
                .decode(0, as: Int.self)
        }
        #expect(rows == 0)
    }
}
