import PQ
import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

@Suite struct TenantTests {
    @Test func slaHoursAreSetPerTenantAndChecked() async throws {
        let (database, tenant) = try await TestDatabase.make()
        #expect(tenant.sla == SLAPolicy(high: 24, medium: 48, low: 72))
        let updated = try await TenantQueries.setSLA(tenant: tenant, policy: SLAPolicy(high: 12, medium: 36, low: 96), database: database)
        #expect(updated.sla == SLAPolicy(high: 12, medium: 36, low: 96))
        #expect(try await TenantQueries.find(code: "acme", on: database).sla == SLAPolicy(high: 12, medium: 36, low: 96))
        await #expect(throws: StoreError.invalid([Problem(path: "low", message: "SLA hours must be 1 to 8760 (got 0)")])) {
            try await TenantQueries.setSLA(tenant: tenant, policy: SLAPolicy(high: 12, medium: 36, low: 0), database: database)
        }
    }

    @Test func tenantCreationChecksItsFields() async throws {
        let database = try await TestDatabase.makeEmpty()
        try await TestDatabase.withOwner(of: database.pool.configuration) { owner in
            await #expect(
                throws: StoreError.invalid([
                    Problem(path: "timezone", message: "unknown time zone Mars/Olympus (use an IANA name such as Asia/Shanghai)"),
                    Problem(path: "currency", message: "currency must be a 3-letter ISO 4217 code such as CNY"),
                ])
            ) {
                try await TenantQueries.create(code: "x", name: "X", timezone: "Mars/Olympus", currency: "yuan", owner: owner)
            }
            _ = try await TenantQueries.create(code: "x", name: "X", timezone: "Europe/Berlin", currency: "EUR", owner: owner)
            await #expect(throws: StoreError.conflict("tenant x already exists")) {
                try await TenantQueries.create(code: "x", name: "X", timezone: "Europe/Berlin", currency: "EUR", owner: owner)
            }
        }
        #expect(try await TenantQueries.find(code: "x", on: database).currency == "EUR")
    }
}
