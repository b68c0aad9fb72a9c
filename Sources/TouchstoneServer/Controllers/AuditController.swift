import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import TouchstoneCore
import TouchstoneStore

/// `/api/v1/audits`: uploads (single and batch), reads in the caller's scope, evidence,
/// review, disputes and decisions. Permission is checked here; the rules live in the store and core.
struct AuditController {
    let database: Database

    /// The route of evidence uploads, which accepts bodies up to the evidence limit.
    static let evidenceRoute = "/api/v1/audits/{id}/attachments"
    /// Most documents one batch request may carry.
    static let maxBatch = 500

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("audits", use: upload)
        group.post("audits/batch", use: uploadBatch)
        group.get("audits", use: list)
        group.get("audits/:id", use: get)
        group.put("audits/:id/attachments/:item/:name", use: attach)
        group.post("audits/:id/review", use: review)
        group.post("audits/:id/disputes", use: dispute)
        group.post("audits/:id/disputes/:item/decision", use: decide)
    }

    /// 201 with the receipt for a new audit, 200 for an identical replay.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AuditReceipt> {
        try context.requireRole { $0 == .auditor || $0.canAdminister }
        let body = try await request.body.collect(upTo: context.maxBodySize)
        let receipt = try await AuditQueries.submit(
            tenant: try context.requireTenant(), document: Data(buffer: body), submittedBy: try context.requirePrincipal().login,
            database: database)
        return EditedResponse(status: receipt.replayed ? .ok : .created, headers: [.location: "/api/v1/audits/\(receipt.id)"], response: receipt)
    }

    /// One result per document of a JSON array, each as the single upload would answer.
    @Sendable func uploadBatch(_ request: Request, context: AppRequestContext) async throws -> BatchUploadResponse {
        try context.requireRole { $0 == .auditor || $0.canAdminister }
        let body = try await request.body.collect(upTo: context.maxBodySize)
        let documents: [JSONValue]
        switch try? JSONValue.parse(Data(buffer: body)) {
        case .array(let items)?: documents = items
        default: throw APIProblem.badRequest("the body must be a JSON array of audit documents")
        }
        guard documents.count <= Self.maxBatch else {
            throw APIProblem.badRequest("at most \(Self.maxBatch) documents per batch (got \(documents.count))")
        }
        let tenant = try context.requireTenant()
        let login = try context.requirePrincipal().login
        var results: [BatchUploadResponse.Result] = []
        for (index, document) in documents.enumerated() {
            do {
                let receipt = try await AuditQueries.submit(
                    tenant: tenant, document: Data(document.canonicalText.utf8), submittedBy: login, database: database)
                results.append(.init(index: index, id: receipt.id, status: receipt.replayed ? 200 : 201, receipt: receipt, error: nil))
            } catch let error as StoreError {
                let problem = error.problem
                results.append(.init(
                    index: index, id: document["id"].flatMap { if case .string(let id) = $0 { id } else { nil } },
                    status: Int(problem.status.code), receipt: nil,
                    error: .init(code: problem.code, message: problem.message, details: problem.details)))
            }
        }
        return BatchUploadResponse(results: results)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<AuditSummary> {
        let principal = try context.requirePrincipal()
        let page = try Pagination(request)
        let query = request.uri.queryParameters
        let period = try query["period"].map { text -> Period in
            guard let period = Period(String(text)) else {
                throw APIProblem.badRequest("period must be YYYY-MM or YYYY-Qn", details: [ProblemDetail(path: "period", message: "got \(text)")])
            }
            return period
        }
        let state = try query["state"].map { text -> AuditState in
            guard let state = AuditState(rawValue: String(text)) else {
                throw APIProblem.badRequest("unknown state \(text)", details: [ProblemDetail(path: "state", message: "one of \(AuditState.allCases.map(\.rawValue).joined(separator: ", "))")])
            }
            return state
        }
        return try await AuditQueries.list(
            tenant: try context.requireTenant(), scope: AuditScope(principal), period: period, outlet: query["outlet"].map(String.init),
            state: state, after: page.after, limit: page.limit, database: database)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> AuditRecord {
        let principal = try context.requirePrincipal()
        return try await AuditQueries.get(
            tenant: try context.requireTenant(), id: try context.parameters.require("id"), scope: AuditScope(principal), database: database)
    }

    /// The raw bytes of one declared attachment; checked against its sha256 and the size limit.
    /// A `Content-Type`, when sent, must be the declared one (which is what the audit keeps).
    @Sendable func attach(_ request: Request, context: AppRequestContext) async throws -> EvidenceReceipt {
        try context.requireRole { $0 == .auditor || $0.canAdminister }
        let principal = try context.requirePrincipal()
        let tenant = try context.requireTenant()
        let id = try context.parameters.require("id")
        let item = try Self.pathComponent("item", context)
        let name = try Self.pathComponent("name", context)
        if let sent = request.headers[.contentType] {
            let audit = try await AuditQueries.get(tenant: tenant, id: id, scope: AuditScope(principal), database: database)
            if let declared = audit.attachments.first(where: { $0.item == item && $0.name == name }),
               Self.mediaType(sent) != Self.mediaType(declared.contentType) {
                throw APIProblem.validationFailed([ProblemDetail(path: "contentType", message: "declared \(declared.contentType), sent \(sent)")])
            }
        }
        let body = try await request.body.collect(upTo: context.maxBodySize)
        return try await AuditQueries.attach(
            tenant: tenant, auditID: id, item: item, name: name, bytes: Data(buffer: body), maxSize: context.maxBodySize,
            actor: principal.login, scope: AuditScope(principal), database: database)
    }

    /// A path parameter, percent-decoded (attachment names may be non-ASCII).
    private static func pathComponent(_ name: String, _ context: AppRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    /// `image/jpeg; q=…` → `image/jpeg`.
    private static func mediaType(_ header: String) -> String {
        header.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    struct ReviewRequest: Decodable {
        let action: ReviewAction
        let comment: String?
    }

    @Sendable func review(_ request: Request, context: AppRequestContext) async throws -> AuditReceipt {
        try context.requireRole { $0.canAdminister }
        let body = try await request.decode(as: ReviewRequest.self, context: context)
        return try await AuditQueries.review(
            tenant: try context.requireTenant(), id: try context.parameters.require("id"), action: body.action,
            actor: try context.requirePrincipal().login, comment: body.comment, database: database)
    }

    struct DisputeRequest: Decodable {
        let items: [DisputedItem]
    }

    /// An outlet manager disputes items of its outlet's released audit (head office may too).
    @Sendable func dispute(_ request: Request, context: AppRequestContext) async throws -> AuditReceipt {
        try context.requireRole { $0 == .outletManager || $0.canAdminister }
        let principal = try context.requirePrincipal()
        let body = try await request.decode(as: DisputeRequest.self, context: context)
        return try await AuditQueries.dispute(
            tenant: try context.requireTenant(), id: try context.parameters.require("id"), items: body.items,
            actor: principal.login, scope: AuditScope(principal), database: database)
    }

    struct DecisionRequest: Decodable {
        let accept: Bool
        let answer: Answer?
        let reason: String
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> AuditReceipt {
        try context.requireRole { $0.canAdminister }
        let body = try await request.decode(as: DecisionRequest.self, context: context)
        return try await AuditQueries.decide(
            tenant: try context.requireTenant(), id: try context.parameters.require("id"), item: try Self.pathComponent("item", context),
            accept: body.accept, answer: body.answer, reason: body.reason, actor: try context.requirePrincipal().login,
            database: database)
    }
}

/// The answer to a batch upload: one entry per document, in order.
struct BatchUploadResponse: ResponseEncodable {
    struct Failure: Encodable {
        let code: String
        let message: String
        let details: [ProblemDetail]
    }

    struct Result: Encodable {
        let index: Int
        let id: String?
        let status: Int
        let receipt: AuditReceipt?
        let error: Failure?
    }

    let results: [Result]
}
