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
    /// Single uploads of one uploader that arrive together are stored together.
    let uploads: AuditUploadQueue

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
        group.get("audits/:id/attachments/:item/:name", use: evidence)
        group.post("audits/:id/review", use: review)
        group.post("audits/:id/disputes", use: dispute)
        group.post("audits/:id/disputes/:item/decision", use: decide)
    }

    /// 201 with the receipt for a new audit, 200 for an identical replay.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AuditReceipt> {
        try context.require(.uploadAudits)
        let body = try await request.body.collect(upTo: context.maxBodySize)
        let principal = try context.requirePrincipal()
        let receipt = try await uploads.submit(
            tenant: try context.requireTenant(), document: Data(buffer: body), submittedBy: principal.login, scope: AuditScope(principal))
        return EditedResponse(status: receipt.replayed ? .ok : .created, headers: [.location: "/api/v1/audits/\(receipt.id)"], response: receipt)
    }

    /// One result per document of a JSON array, each as the single upload would answer, all
    /// stored in one transaction (``AuditQueries/submitMany(tenant:documents:submittedBy:scope:now:database:)``).
    @Sendable func uploadBatch(_ request: Request, context: AppRequestContext) async throws -> BatchUploadResponse {
        try context.require(.uploadAudits)
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
        let principal = try context.requirePrincipal()
        let outcomes = try await AuditQueries.submitMany(
            tenant: tenant, documents: documents.map { Data($0.canonicalText.utf8) }, submittedBy: principal.login,
            scope: AuditScope(principal), database: database)
        // A document's error is its own result (a 500 among them too): the others are stored.
        let results = zip(documents, outcomes).enumerated().map { index, pair -> BatchUploadResponse.Result in
            let (document, outcome) = pair
            switch outcome {
            case .success(let receipt):
                return .init(index: index, id: receipt.id, status: receipt.replayed ? 200 : 201, receipt: receipt, error: nil)
            case .failure(let error):
                let problem = ProblemMiddleware.problem(for: error, context: context)
                return .init(
                    index: index, id: document["id"].flatMap { if case .string(let id) = $0 { id } else { nil } },
                    status: Int(problem.status.code), receipt: nil,
                    error: .init(code: problem.code, message: problem.message, details: problem.details))
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
                throw APIProblem.badRequest(
                    "unknown state \(text)",
                    details: [ProblemDetail(path: "state", message: "one of \(AuditState.allCases.map(\.rawValue).joined(separator: ", "))")])
            }
            return state
        }
        return try await AuditQueries.list(
            tenant: try context.requireTenant(), scope: AuditScope(principal), period: period, outlet: query["outlet"].map(String.init),
            state: state, after: page.after, limit: page.limit, database: database)
    }

    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> AuditRecord {
        try await AuditReads(database: database).record(context)
    }

    /// The raw bytes of one declared attachment, streamed: the declaration (scope, item and
    /// name, size) is checked before the body is read, then the body goes to the database a
    /// part at a time and is checked against the declared size and sha256.
    /// A `Content-Type`, when sent, must be the declared one (which is what the audit keeps).
    @Sendable func attach(_ request: Request, context: AppRequestContext) async throws -> EvidenceReceipt {
        try context.require(.uploadAudits)
        let principal = try context.requirePrincipal()
        var upload = try await EvidenceUpload.begin(
            tenant: try context.requireTenant(), auditID: try context.parameters.require("id"), item: try AuditReads.pathComponent("item", context),
            name: try AuditReads.pathComponent("name", context), maxSize: context.maxBodySize, scope: AuditScope(principal), database: database)
        let declared = upload.declaration.contentType
        if let sent = request.headers[.contentType], EvidenceContentType.mediaType(sent) != EvidenceContentType.mediaType(declared) {
            throw APIProblem.validationFailed([ProblemDetail(path: "contentType", message: "declared \(declared), sent \(sent)")])
        }
        do {
            for try await buffer in request.body {
                try await upload.write(Data(buffer: buffer))
            }
            return try await upload.finish(actor: principal.login, scope: AuditScope(principal))
        } catch {
            await upload.abandon()
            throw error
        }
    }

    /// The bytes of one received attachment (``EvidenceResponse``), within the caller's scope.
    @Sendable func evidence(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await AuditReads(database: database).evidence(context)
    }

    struct ReviewRequest: Decodable {
        let action: ReviewAction
        let comment: String?
    }

    @Sendable func review(_ request: Request, context: AppRequestContext) async throws -> AuditReceipt {
        try context.require(.reviewAudits)
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
        try context.require(.disputeAudits)
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
        try context.require(.decideDisputes)
        let body = try await request.decode(as: DecisionRequest.self, context: context)
        return try await AuditQueries.decide(
            tenant: try context.requireTenant(), id: try context.parameters.require("id"), item: try AuditReads.pathComponent("item", context),
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
