import Foundation
import TouchstoneCore
import TouchstoneStore

/// Resolves bearer tokens to principals, remembering answers for a short time so a burst
/// of uploads costs one database lookup. Revocation takes effect within ``ttl``. Each lookup of
/// a live token in the database also records its use (the tokens list's "last used").
/// Refused tokens are remembered too, for ``missTTL``, so a flood of made-up tokens does not
/// reach the database each time; both memories are bounded (``maxEntries`` each).
actor PrincipalCache {
    private struct Entry {
        let principal: Principal
        let tenant: Tenant
        let expires: ContinuousClock.Instant
    }

    /// Live tokens, and refused tokens, remembered at most.
    static let maxEntries = 10_000

    private let database: Database
    private let ttl: Duration
    private let missTTL: Duration
    private var entries: [String: Entry] = [:]
    private var misses: [String: ContinuousClock.Instant] = [:]

    init(database: Database, ttl: Duration = .seconds(30), missTTL: Duration = .seconds(10)) {
        self.database = database
        self.ttl = ttl
        self.missTTL = missTTL
    }

    /// The principal and tenant of `token`, or nil when the token is not live.
    func resolve(_ token: String) async throws -> (Principal, Tenant)? {
        let now = ContinuousClock.now
        if let entry = entries[token], entry.expires > now {
            return (entry.principal, entry.tenant)
        }
        if let expires = misses[token], expires > now { return nil }
        guard let (principal, tenant) = try await IdentityQueries.principal(forToken: token, database: database) else {
            entries[token] = nil
            // Remembered from the answer on: a slow look-up does not shorten the memory.
            remember(miss: token, now: ContinuousClock.now)
            return nil
        }
        try await IdentityQueries.recordUse(token: token, tenant: tenant, database: database)
        misses[token] = nil
        if entries.count >= Self.maxEntries { entries.removeAll() }
        entries[token] = Entry(principal: principal, tenant: tenant, expires: ContinuousClock.now + ttl)
        return (principal, tenant)
    }

    /// Forgets every remembered answer, so a change to users or tokens made through this daemon
    /// (a revoked token, a disabled user, a new scope) applies to the next request at once.
    func forgetAll() {
        entries.removeAll()
        misses.removeAll()
    }

    /// Remembers a refused token; when full, forgets the expired ones, or all if none expired.
    private func remember(miss token: String, now: ContinuousClock.Instant) {
        if misses.count >= Self.maxEntries {
            misses = misses.filter { $0.value > now }
            if misses.count >= Self.maxEntries { misses.removeAll() }
        }
        misses[token] = now + missTTL
    }
}
