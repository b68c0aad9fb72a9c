import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/audits`: uploads (one or a batch), listings and reads in the caller's scope,
/// evidence, head office's review and the dispute workflow (formats.md "Audit document").
struct AuditController {
    /// Route-template prefix of evidence uploads; the composition root gives it the evidence body limit.
    static let evidenceRoutePrefix = "/api/v1/audits/{id}/attachments"
    /// Most documents one batch upload may carry.
    static let maxBatch = 500

    let database: Database

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("audits", use: submit)
        group.post("audits/batch", use: submitBatch)
        group.get("audits", use: list)
        group.get("audits/:id", use: get)
        group.put("audits/:id/attachments/:item/:name", use: attach)
        group.post("audits/:id/review", use: review)
        group.post("audits/:id/disputes", use: dispute)
        group.post("audits/:id/disputes/:item/decision", use: decide)
    }

    /// 201 with the receipt for a new audit, 200 with the stored receipt (`replayed`) for an identical replay.
    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AuditReceipt> {
        let principal = try context.requirePrincipal()
        try context.requireRole(Self.mayUpload)
        var request = request
        let body = try await request.collectBody(upTo: context.maxBodySize)
        let receipt = try await AuditQueries.submit(
            tenant: try context.requireTenant(), document: Data(body.readableBytesView), submittedBy: principal.login, database: database)
        return EditedResponse(status: receipt.replayed ? .ok : .created, headers: [.location: "/api/v1/audits/\(receipt.id)"], response: receipt)
    }

    /// A JSON array of documents, each uploaded on its own; one result per document, in order.
    @Sendable func submitBatch(_ request: Request, context: AppRequestContext) async throws -> [BatchResult] {
        let principal = try context.requirePrincipal()
        try context.requireRole(Self.mayUpload)
        let tenant = try context.requireTenant()
        var request = request
        let body = try await request.collectBody(upTo: context.maxBodySize)
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(body.readableBytesView))
        } catch {
            throw APIProblem.validationFailed(error.problems.map { ProblemDetail(path: $0.path, message: $0.message) })
        }
        guard case .array(let documents) = value else {
            throw APIProblem.validationFailed([ProblemDetail(path: "", message: "expected a JSON array of audit documents, got \(value.typeName)")])
        }
        guard documents.count <= Self.maxBatch else {
            throw APIProblem.validationFailed([ProblemDetail(path: "", message: "\(documents.count) documents; a batch holds at most \(Self.maxBatch)")])
        }
        var results: [BatchResult] = []
        results.reserveCapacity(documents.count)
        for (index, document) in documents.enumerated() {
            let id: String? = if case .string(let id)? = document["id"] { id } else { nil }
            do {
                let receipt = try await AuditQueries.submit(
                    tenant: tenant, document: Data(document.canonicalText.utf8), submittedBy: principal.login, database: database)
                results.append(BatchResult(index: index, id: id, status: receipt.replayed ? 200 : 201, receipt: receipt, error: nil))
            } catch {
                let problem = ProblemMiddleware.problem(for: error, context: context)
                // A server-side failure (database down) fails the whole request; the client retries it.
                if problem.status.code >= 500 { throw error }
                results.append(BatchResult(index: index, id: id, status: problem.status.code, receipt: nil, error: problem))
            }
        }
        return results
    }

    /// Audits in the caller's scope; filters `period`, `outlet`, `state`; paginated.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<AuditSummary> {
        let principal = try context.requirePrincipal()
        let page = try Pagination(request)
        let query = request.uri.queryParameters
        return try await AuditQueries.list(
            tenant: try context.requireTenant(), scope: AuditScope(principal), period: try query["period"].map { try Self.period(String($0)) },
            outlet: query["outlet"].map(String.init), state: try query["state"].map { try Self.state(String($0)) },
            after: page.after, limit: page.limit, database: database)
    }

    /// One audit in full (404 outside the caller's scope).
    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> AuditRecord {
        let principal = try context.requirePrincipal()
        return try await AuditQueries.get(
            tenant: try context.requireTenant(), id: try context.parameters.require("id"), scope: AuditScope(principal), database: database)
    }

    /// The raw bytes of a declared attachment; the request's `Content-Type`, when given, must be the declared one.
    @Sendable func attach(_ request: Request, context: AppRequestContext) async throws -> EvidenceReceipt {
        let principal = try context.requirePrincipal()
        try context.requireRole(Self.mayUpload)
        let tenant = try context.requireTenant()
        let id = try context.parameters.require("id")
        let item = try Self.pathComponent("item", context: context)
        let name = try Self.pathComponent("name", context: context)
        let scope = AuditScope(principal)
        let audit = try await AuditQueries.get(tenant: tenant, id: id, scope: scope, database: database)
        if let sent = request.headers[.contentType], let declared = audit.attachments.first(where: { $0.item == item && $0.name == name }),
           Self.mediaType(sent) != Self.mediaType(declared.contentType) {
            throw APIProblem.validationFailed([ProblemDetail(path: "contentType", message: "declared \(declared.contentType), sent \(sent)")])
        }
        var request = request
        let bytes = try await request.collectBody(upTo: context.maxBodySize)
        return try await AuditQueries.attach(
            tenant: tenant, auditID: id, item: item, name: name, bytes: Data(bytes.readableBytesView), maxSize: context.maxBodySize,
            actor: principal.login, scope: scope, database: database)
    }

    /// `{action: release|reject|sendBack, comment}` (head office administrators).
    @Sendable func review(_ request: Request, context: AppRequestContext) async throws -> AuditReceipt {
        let principal = try context.requirePrincipal()
        try context.requireRole { $0.canAdminister }
        let body = try await request.decode(as: ReviewRequest.self, context: context)
        return try await AuditQueries.review(
            tenant: try context.requireTenant(), id: try context.parameters.require("id"), action: body.action, actor: principal.login,
            comment: body.comment, database: database)
    }

    /// `{items: [{item, reason, proposedAnswer?}]}`: the outlet manager of the audit's outlet, or an administrator.
    @Sendable func dispute(_ request: Request, context: AppRequestContext) async throws -> AuditReceipt {
        let principal = try context.requirePrincipal()
        try context.requireRole { $0 == .outletManager || $0.canAdminister }
        let body = try await request.decode(as: DisputeRequest.self, context: context)
        return try await AuditQueries.dispute(
            tenant: try context.requireTenant(), id: try context.parameters.require("id"), items: body.items, actor: principal.login,
            scope: AuditScope(principal), database: database)
    }

    /// `{accept, answer?, reason}` on one disputed item (administrators).
    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> AuditReceipt {
        let principal = try context.requirePrincipal()
        try context.requireRole { $0.canAdminister }
        let body = try await request.decode(as: DecisionRequest.self, context: context)
        return try await AuditQueries.decide(
            tenant: try context.requireTenant(), id: try context.parameters.require("id"), item: try Self.pathComponent("item", context: context),
            accept: body.accept, answer: body.answer, reason: body.reason, actor: principal.login, database: database)
    }

    /// Auditors upload their visits; administrators may upload on anyone's behalf.
    private static func mayUpload(_ role: Role) -> Bool { role == .auditor || role.canAdminister }

    private static func pathComponent(_ name: String, context: AppRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// `image/jpeg; charset=…` → `image/jpeg`.
    private static func mediaType(_ header: String) -> String {
        header.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    static func period(_ text: String) throws -> Period {
        do {
            return try Period.parse(text)
        } catch {
            throw APIProblem.badRequest("period must be YYYY-MM or YYYY-Qn", details: [ProblemDetail(path: "period", message: "got \(text)")])
        }
    }

    private static func state(_ text: String) throws -> AuditState {
        guard let state = AuditState(rawValue: text) else {
            let states = AuditState.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIProblem.badRequest("state must be one of \(states)", details: [ProblemDetail(path: "state", message: "got \(text)")])
        }
        return state
    }
}

/// One document's outcome in a batch upload: the receipt (status 200/201) or the problem (4xx).
struct BatchResult: Encodable {
    let index: Int
    let id: String?
    let status: Int
    let receipt: AuditReceipt?
    let error: APIProblem?
}

/// `POST /audits/{id}/review`.
struct ReviewRequest: Decodable {
    let action: ReviewAction
    let comment: String?
}

/// `POST /audits/{id}/disputes`.
struct DisputeRequest: Decodable {
    let items: [DisputedItem]
}

/// `POST /audits/{id}/disputes/{item}/decision`.
struct DecisionRequest: Decodable {
    let accept: Bool
    let answer: Answer?
    let reason: String
}
