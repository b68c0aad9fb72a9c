import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// An audit and its evidence within the caller's ``AuditScope``, for the audit API and page.
struct AuditReads {
    let database: Database

    /// The audit of the `id` path parameter.
    func record(_ context: AppRequestContext) async throws -> AuditRecord {
        try await AuditQueries.get(
            tenant: try context.requireTenant(), id: try context.parameters.require("id"),
            scope: AuditScope(try context.requirePrincipal()), database: database)
    }

    /// The bytes of the attachment named by the `id`, `item` and `name` path parameters (``EvidenceResponse``).
    func evidence(_ context: AppRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let file = try await AuditQueries.evidenceFile(
            tenant: tenant, auditID: try context.parameters.require("id"), item: try Self.pathComponent("item", context),
            name: try Self.pathComponent("name", context), scope: AuditScope(try context.requirePrincipal()), database: database)
        return EvidenceResponse.make(file, tenant: tenant, database: database)
    }

    /// A path parameter, percent-decoded (attachment names may be non-ASCII).
    static func pathComponent(_ name: String, _ context: AppRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
