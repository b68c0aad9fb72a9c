import Foundation
import TouchstoneCore
import TouchstoneStore

/// Resolves bearer tokens to principals, remembering answers for a short time so a burst
/// of uploads costs one database lookup. Revocation takes effect within ``ttl``.
actor PrincipalCache {
    private struct Entry {
        let principal: Principal
        let tenant: Tenant
        let expires: ContinuousClock.Instant
    }

    private let database: Database
    private let ttl: Duration
    private var entries: [String: Entry] = [:]

    init(database: Database, ttl: Duration = .seconds(30)) {
        self.database = database
        self.ttl = ttl
    }

    /// The principal and tenant of `token`, or nil when the token is not live.
    func resolve(_ token: String) async throws -> (Principal, Tenant)? {
        let now = ContinuousClock.now
        if let entry = entries[token], entry.expires > now {
            return (entry.principal, entry.tenant)
        }
        guard let (principal, tenant) = try await IdentityQueries.principal(forToken: token, database: database) else {
            entries[token] = nil
            return nil
        }
        if entries.count > 10_000 { entries.removeAll() }
        entries[token] = Entry(principal: principal, tenant: tenant, expires: now + ttl)
        return (principal, tenant)
    }
}
