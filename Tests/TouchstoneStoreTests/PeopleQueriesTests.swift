import Testing
import TouchstoneCore
import TouchstoneStore
import TouchstoneTestSupport

/// The store side of the people pages: filters, the last-admin rule under concurrency, and a
/// reset's "must change password" flag.
@Suite struct PeopleQueriesTests {
    @Test func listFiltersByRoleAndState() async throws {
        let (database, tenant) = try await TestDatabase.make()
        for (login, role) in [("a1", Role.admin), ("n1", .analyst), ("n2", .analyst)] {
            try await IdentityQueries.addUser(tenant: tenant, login: login, displayName: nil, role: role, database: database)
        }
        try await PeopleQueries.setDisabled(tenant: tenant, login: "n2", disabled: true, actor: "a1", database: database)
        #expect(try await PeopleQueries.list(tenant: tenant, database: database).map(\.login) == ["a1", "n1", "n2"])
        #expect(try await PeopleQueries.list(tenant: tenant, role: .analyst, database: database).map(\.login) == ["n1", "n2"])
        #expect(try await PeopleQueries.list(tenant: tenant, role: .analyst, disabled: false, database: database).map(\.login) == ["n1"])
        #expect(try await PeopleQueries.list(tenant: tenant, disabled: true, database: database).map(\.login) == ["n2"])
        await #expect(throws: StoreError.notFound("user nobody")) {
            try await PeopleQueries.setDisabled(tenant: tenant, login: "nobody", disabled: true, actor: "a1", database: database)
        }
    }

    /// Two admins disabling each other at the same moment: one wins, the other is refused, and
    /// an enabled admin remains.
    @Test func twoAdminsCannotLockEachOtherOutAtOnce() async throws {
        let (database, tenant) = try await TestDatabase.make()
        for login in ["a1", "a2"] {
            try await IdentityQueries.addUser(tenant: tenant, login: login, displayName: nil, role: .admin, database: database)
        }
        for _ in 0..<3 {
            let first = Task { try await PeopleQueries.setDisabled(tenant: tenant, login: "a1", disabled: true, actor: "a2", database: database) }
            let second = Task { try await PeopleQueries.setDisabled(tenant: tenant, login: "a2", disabled: true, actor: "a1", database: database) }
            let outcomes = [await first.result, await second.result]
            let refused = outcomes.compactMap { outcome -> StoreError? in
                if case .failure(let error) = outcome { return error as? StoreError } else { return nil }
            }
            #expect(refused.count == 1)
            if case .invalid(let problems)? = refused.first { #expect(problems.first?.path == "disabled") } else { Issue.record("\(refused)") }
            let enabled = try await PeopleQueries.list(tenant: tenant, role: .admin, disabled: false, database: database)
            #expect(enabled.count == 1)
            for login in ["a1", "a2"] {
                try await PeopleQueries.setDisabled(tenant: tenant, login: login, disabled: false, actor: "a1", database: database)
            }
        }
    }

    @Test func aResetMustBeChangedAndTheUsersOwnPasswordClearsIt() async throws {
        let (database, tenant) = try await TestDatabase.make()
        try await IdentityQueries.addUser(
            tenant: tenant, login: "n1", displayName: nil, role: .analyst, passwordHash: "$2b$11$x", mustChangePassword: true, database: database)
        #expect(try await PeopleQueries.get(tenant: tenant, login: "n1", database: database).mustChangePassword)
        try await SessionQueries.setPasswordHash(tenant: tenant, login: "n1", hash: "$2b$11$y", database: database)
        #expect(try await PeopleQueries.get(tenant: tenant, login: "n1", database: database).mustChangePassword == false)
        try await SessionQueries.setPasswordHash(tenant: tenant, login: "n1", hash: "$2b$11$z", mustChange: true, database: database)
        let user = try await PeopleQueries.get(tenant: tenant, login: "n1", database: database)
        #expect(user.mustChangePassword && user.hasPassword)
    }
}
