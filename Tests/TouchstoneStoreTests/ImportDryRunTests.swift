import Foundation
import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// Dry runs, GBK/GB18030 files and the staged uploads of the import page, against a real PostgreSQL.
@Suite struct ImportDryRunTests {
    /// 张伟 in GBK.
    static let zhangWeiGBK: [UInt8] = [0xD5, 0xC5, 0xCE, 0xB0]

    static func write(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString).csv")
        try Data(bytes).write(to: url)
        return url
    }

    static func staffNames(_ database: Database, _ tenant: Tenant) async throws -> [String] {
        try await StaffQueries.list(tenant: tenant, after: nil, limit: 100, database: database).items.map { "\($0.employeeNo) \($0.name)" }
    }

    static func changeCount(_ database: Database, _ tenant: Tenant) async throws -> Int {
        try await ChangeQueries.list(tenant: tenant, limit: 1000, database: database).items.count
    }

    static let staffFile = """
        employee_no,name,role,outlet_code,start_date,end_date,target_bonus
        E7,王芳,service_advisor,O1,2025-01-01,2026-09-20,2000.00
        E7,王芳,service_advisor,O2,2026-09-21,,2500.00
        E8,李强,service_advisor,O1,2024-05-01,,1800.00
        E9,张敏,outlet_manager,O3,2023-02-01,,5000.00
        E10,赵磊,technician,O2,2026-01-01,,1200.00

        """

    @Test func dryRunCountsNewChangedUnchangedAndStoresNothing() async throws {
        let (database, tenant) = try await TestDatabase.make()
        for kind in [ImportKind.outlets, .staff] {
            _ = try await importCSV(
                kind, file: TestDatabase.samplesDirectory.appendingPathComponent("\(kind.rawValue).csv"), tenant: tenant, database: database)
        }
        let before = try await Self.staffNames(database, tenant)
        let changes = try await Self.changeCount(database, tenant)
        let file = try Self.write(Array(Self.staffFile.utf8))
        defer { try? FileManager.default.removeItem(at: file) }

        let dry = try await importCSV(.staff, file: file, tenant: tenant, options: ImportOptions(dryRun: true), database: database)
        #expect(dry.dryRun)
        #expect([dry.rows, dry.inserted, dry.updated, dry.unchanged] as [Int] == [5, 1, 1, 3])
        #expect(try await Self.staffNames(database, tenant) == before)
        #expect(try await Self.changeCount(database, tenant) == changes)
        let e7 = try await StaffQueries.get(tenant: tenant, employeeNo: "E7", database: database)
        #expect(e7.assignments[1].targetBonus == Decimal(2400))

        // The real import does what the dry run said.
        let real = try await importCSV(.staff, file: file, tenant: tenant, database: database)
        #expect(!real.dryRun)
        #expect([real.rows, real.inserted, real.updated, real.unchanged] as [Int] == [5, 1, 1, 3])
        #expect(try await Self.staffNames(database, tenant).contains("E10 赵磊"))
    }

    @Test func dryRunReportsEveryErrorByLineAndColumn() async throws {
        let (database, tenant) = try await TestDatabase.make()
        _ = try await importCSV(
            .outlets, file: TestDatabase.samplesDirectory.appendingPathComponent("outlets.csv"), tenant: tenant, database: database)
        let file = try Self.write(
            Array(
                """
                employee_no,name,role,outlet_code,start_date,end_date,target_bonus
                E1,甲,service_advisor,O1,2026-01-01,,100
                E2,乙,service_advisor,O9,2026-01-01,,100
                E3,丙,service_advisor,O1,2026-02-30,,100
                E4,丁,service_advisor,O1,2026-01-01,,-5

                """.utf8))
        defer { try? FileManager.default.removeItem(at: file) }
        await #expect(
            throws: StoreError.invalid([
                Problem(path: "line 3, column outlet_code", message: "unknown outlet O9"),
                Problem(path: "line 4, column start_date", message: "\"2026-02-30\" is not a date (YYYY-MM-DD)"),
                Problem(path: "line 5, column target_bonus", message: "-5 must not be negative"),
            ])
        ) {
            try await importCSV(.staff, file: file, tenant: tenant, options: ImportOptions(dryRun: true), database: database)
        }
        #expect(try await Self.staffNames(database, tenant).isEmpty)
    }

    @Test func gbkFilesAreConvertedAndOtherBytesRefused() async throws {
        let (database, tenant) = try await TestDatabase.make()
        _ = try await importCSV(
            .outlets, file: TestDatabase.samplesDirectory.appendingPathComponent("outlets.csv"), tenant: tenant, database: database)
        let gbk = try Self.write(
            Array("employee_no,name,role,outlet_code,start_date,end_date,target_bonus\r\nE1,".utf8)
                + Self.zhangWeiGBK + Array(",service_advisor,O1,2026-01-01,,100\r\n".utf8))
        defer { try? FileManager.default.removeItem(at: gbk) }
        let report = try await importCSV(.staff, file: gbk, tenant: tenant, database: database)
        #expect(report.convertedFrom == .gb18030)
        #expect(report.inserted == 1)
        #expect(try await Self.staffNames(database, tenant) == ["E1 张伟"])

        let utf8 = try await importCSV(
            .outlets, file: TestDatabase.samplesDirectory.appendingPathComponent("outlets.csv"), tenant: tenant, database: database)
        #expect(utf8.convertedFrom == nil)

        let binary = try Self.write(
            Array("employee_no,name,role,outlet_code,start_date,end_date,target_bonus\nE2,".utf8)
                + [0xFF, 0xFE] + Array(",service_advisor,O1,2026-01-01,,100\n".utf8))
        defer { try? FileManager.default.removeItem(at: binary) }
        await #expect(throws: StoreError.invalid([Problem(path: "line 2", message: ImportText.Undecodable.advice)])) {
            try await importCSV(.staff, file: binary, tenant: tenant, database: database)
        }
    }

    @Test func anEmptyFileSaysSo() async throws {
        let (database, tenant) = try await TestDatabase.make()
        let empty = try Self.write([])
        defer { try? FileManager.default.removeItem(at: empty) }
        await #expect(throws: StoreError.invalid([Problem(path: "line 1", message: "the file is empty: a header row is required")])) {
            try await importCSV(.outlets, file: empty, tenant: tenant, options: ImportOptions(dryRun: true), database: database)
        }
        let staged = try await ImportUploads.stage(
            tenant: tenant, kind: .outlets, fileName: "empty.csv", content: Data(), ignoreExtraColumns: false, uploadedBy: "admin", database: database
        )
        let checked = try await ImportUploads.check(tenant: tenant, id: staged.id, database: database)
        #expect(checked.check?.problems == [Problem(path: "line 1", message: "the file is empty: a header row is required")])
    }

    @Test func stagedUploadIsDryRunThenAppliedOnce() async throws {
        let (database, tenant) = try await TestDatabase.make()
        _ = try await importCSV(
            .outlets, file: TestDatabase.samplesDirectory.appendingPathComponent("outlets.csv"), tenant: tenant, database: database)
        let bad = Data("employee_no,name,role,outlet_code,start_date,end_date,target_bonus\nE1,甲,x,O9,2026-01-01,,\n".utf8)
        let unchecked = try await ImportUploads.stage(
            tenant: tenant, kind: .staff, fileName: "bad.csv", content: bad, ignoreExtraColumns: false, uploadedBy: "admin", database: database)
        #expect(unchecked.check == nil)
        #expect(!unchecked.canApply)
        let rejected = try await ImportUploads.check(tenant: tenant, id: unchecked.id, database: database)
        #expect(rejected.check?.problems == [Problem(path: "line 2, column outlet_code", message: "unknown outlet O9")])
        #expect(rejected.check?.rows == 1)
        #expect(!rejected.canApply)
        let refused = try await ImportUploads.apply(tenant: tenant, id: rejected.id, appliedBy: "admin", database: database)
        #expect(refused.appliedAt == nil)
        #expect(try await Self.staffNames(database, tenant).isEmpty)

        let good = Data(Self.staffFile.utf8)
        let progress = ProgressRecord()
        let stored = try await ImportUploads.stage(
            tenant: tenant, kind: .staff, fileName: "staff.csv", content: good, ignoreExtraColumns: false, uploadedBy: "admin", database: database)
        let staged = try await ImportUploads.check(tenant: tenant, id: stored.id, progress: { progress.add($0) }, database: database)
        #expect(progress.counts == [5])
        let dry = try #require(staged.check?.report)
        #expect([dry.rows, dry.inserted, dry.updated, dry.unchanged] as [Int] == [5, 5, 0, 0])
        #expect(staged.canApply)
        #expect(try await Self.staffNames(database, tenant).isEmpty)

        let applied = try await ImportUploads.apply(tenant: tenant, id: staged.id, appliedBy: "admin2", database: database)
        #expect(applied.appliedBy == "admin2")
        #expect(applied.applied?.report?.inserted == 5)
        #expect(!applied.canApply)
        #expect(try await Self.staffNames(database, tenant).count == 4)
        let changes = try await Self.changeCount(database, tenant)
        let again = try await ImportUploads.apply(tenant: tenant, id: staged.id, appliedBy: "admin3", database: database)
        #expect(again.appliedBy == "admin2")
        #expect(try await Self.changeCount(database, tenant) == changes)
        // A check after applying leaves the applied upload as it is.
        #expect(try await ImportUploads.check(tenant: tenant, id: staged.id, database: database).applied == applied.applied)

        #expect(try await ImportUploads.recent(tenant: tenant, database: database).map(\.id) == [staged.id, rejected.id])
        // The runtime records outcomes; the file and who uploaded it never change (sql/0120).
        for statement in [
            "UPDATE import_uploads SET content = ''::bytea, size = 0", "UPDATE import_uploads SET sha256 = repeat('0', 64)",
            "UPDATE import_uploads SET uploaded_by = 'someone-else'", "UPDATE import_uploads SET kind = 'outlets'",
        ] {
            await #expect(throws: StoreError.forbidden("the database refused this change"), "\(statement)") {
                try await database.tenantTransaction(tenant) { conn in _ = try conn.execute(Query(unsafeSQL: statement)) }
            }
        }
        let other = try await TestDatabase.createTenant(code: "other", in: database)
        await #expect(throws: StoreError.self) { try await ImportUploads.find(tenant: other, id: staged.id, database: database) }
    }
}

/// The row counts a progress callback heard.
final class ProgressRecord: @unchecked Sendable {
    private let lock = NSLock()
    private var heard: [Int] = []
    func add(_ count: Int) { lock.withLock { heard.append(count) } }
    var counts: [Int] { lock.withLock { heard } }
}
