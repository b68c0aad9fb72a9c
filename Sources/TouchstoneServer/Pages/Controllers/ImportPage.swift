import Foundation
import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// `/imports`: head office uploads an outlet, staff, survey or complaint file. The upload is
/// staged (``ImportUploads``) and dry-run at once: `/imports/{id}` shows what would change (new,
/// changed, unchanged rows) or every error by line and column; "apply" imports the staged file
/// with the CLI's own import, all-or-nothing, once. Dry runs and imports run in the background
/// (``ImportRuns``): the page refreshes itself meanwhile and shows the rows read so far, then
/// the outcome with the time taken.
struct ImportPage {
    let database: Database
    let renderer: PageRenderer
    let runs = ImportRuns()

    /// The route of the upload form's post, which accepts bodies up to the upload limit.
    static let uploadRoute = "/imports"

    struct Kind: Sendable {
        let value: String
        let label: String
    }

    struct ProblemRow: Sendable {
        let line: String
        let column: String
        let message: String
    }

    struct Counts: Sendable {
        let rows: Int
        let inserted: Int
        let updated: Int
        let unchanged: Int
        let seconds: String
    }

    struct Upload: Sendable {
        let id: Int64
        let kind: String
        let kindLabel: String
        let fileName: String
        let size: Int
        let sha256: String
        let uploadedBy: String
        let uploadedAt: String
        let expiresAt: String
        let converted: Bool
        let hasErrors: Bool
        let checkRows: Int
        let checkSeconds: String
        let dryRun: Counts?
        let problems: [ProblemRow]
        let problemCount: Int
        let applied: Counts?
        let appliedBy: String?
        let appliedAt: String?
        let canApply: Bool
        let canCheck: Bool
        let state: String
        /// A dry run or import of it going on now: what, rows read so far, seconds since it started.
        let running: Bool
        let runningRows: Int
        let runningSeconds: String
        /// Why its last run here failed (other than with problems in the file).
        let failure: String?
    }

    struct View: Sendable {
        let kinds: [Kind]
        let maxMiB: Int
        let upload: Upload?
        let recent: [Upload]
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("imports", use: list)
        group.post("imports", use: upload)
        group.get("imports/:id", use: show)
        group.post("imports/:id/apply", use: apply)
        group.post("imports/:id/check", use: check)
    }

    /// The upload form and the tenant's recent uploads.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let kinds = try mayImport(context)
        let tenant = try context.requireTenant()
        let labels = renderer.labels(request)
        // The runs before the uploads: a run seen finished has stored its outcome already.
        let started = runs.runs(tenantID: tenant.id)
        let recent = try await ImportUploads.recent(tenant: tenant, database: database)
            .filter { kinds.contains($0.kind) }
            .map { view($0, run: started[$0.id], tenant: tenant, labels: labels) }
        return renderer.page(
            "imports", title: "imports_title", content: self.view(kinds: kinds, labels: labels, upload: nil, recent: recent),
            request: request, context: context)
    }

    /// Stages the posted file and dry-runs it, then shows the outcome.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await MultipartForm.checked(request, context: context, maxSize: context.maxBodySize)
        guard let kind = ImportKind(rawValue: form["kind"] ?? "") else {
            throw APIProblem.badRequest("Choose what the file holds: \(ImportKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        try context.require(kind.action)
        guard let file = form.file("file"), let fileName = file.fileName, !fileName.isEmpty else {
            throw APIProblem.badRequest("Choose a file to upload.")
        }
        let tenant = try context.requireTenant()
        let staged = try await ImportUploads.stage(
            tenant: tenant, kind: kind, fileName: fileName, content: file.data,
            ignoreExtraColumns: form["ignore_extra"] != nil, uploadedBy: try context.requirePrincipal().login, database: database)
        startCheck(tenant: tenant, id: staged.id, context: context)
        return PageResponse.redirect(to: "/imports/\(staged.id)")
    }

    /// Runs the dry run of an upload again (the stored data may have changed since).
    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try await PageForm.checked(request, context: context)
        let tenant = try context.requireTenant()
        let upload = try await ImportUploads.find(tenant: tenant, id: try id(context), database: database)
        try context.require(upload.kind.action)
        startCheck(tenant: tenant, id: upload.id, context: context)
        return PageResponse.redirect(to: "/imports/\(upload.id)")
    }

    private func startCheck(tenant: Tenant, id: Int64, context: AppRequestContext) {
        let database = database
        runs.start(.checking, tenantID: tenant.id, uploadID: id, logger: context.logger) { progress in
            _ = try await ImportUploads.check(tenant: tenant, id: id, progress: progress, database: database)
        }
    }

    /// One upload: its dry run (counts or errors), the apply form, what applying did.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let kinds = try mayImport(context)
        let tenant = try context.requireTenant()
        let id = try id(context)
        // The run before the upload: a run seen finished has stored its outcome already.
        let run = runs.run(tenantID: tenant.id, uploadID: id)
        let upload = try await ImportUploads.find(tenant: tenant, id: id, database: database)
        try context.require(upload.kind.action)
        let labels = renderer.labels(request)
        return renderer.page(
            "imports", title: "import_title",
            content: view(kinds: kinds, labels: labels, upload: view(upload, run: run, tenant: tenant, labels: labels), recent: []),
            request: request, context: context)
    }

    /// Applies the staged file (once) and goes back to its page.
    @Sendable func apply(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try await PageForm.checked(request, context: context)
        let tenant = try context.requireTenant()
        let id = try id(context)
        let upload = try await ImportUploads.find(tenant: tenant, id: id, database: database)
        try context.require(upload.kind.action)
        let login = try context.requirePrincipal().login
        let database = database
        runs.start(.applying, tenantID: tenant.id, uploadID: id, logger: context.logger) { progress in
            _ = try await ImportUploads.apply(tenant: tenant, id: id, appliedBy: login, progress: progress, database: database)
        }
        return PageResponse.redirect(to: "/imports/\(id)")
    }

    /// The kinds the caller may import; 403 when none.
    private func mayImport(_ context: AppRequestContext) throws -> [ImportKind] {
        let principal = try context.requirePrincipal()
        let kinds = ImportKind.allCases.filter { principal.may($0.action) }
        if kinds.isEmpty { try principal.require(ImportKind.staff.action) }
        return kinds
    }

    private func id(_ context: AppRequestContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("id")) else { throw StoreError.notFound("import upload") }
        return id
    }

    private func view(kinds: [ImportKind], labels: [String: String], upload: Upload?, recent: [Upload]) -> View {
        View(
            kinds: kinds.map { Kind(value: $0.rawValue, label: labels["import_kind_\($0.rawValue)"] ?? $0.rawValue) },
            maxMiB: ImportUploads.maxSize >> 20, upload: upload, recent: recent)
    }

    /// - Parameter run: the upload's run here, read before the upload itself.
    private func view(_ upload: ImportUpload, run: ImportRuns.Run?, tenant: Tenant, labels: [String: String]) -> Upload {
        func counts(_ outcome: ImportOutcome?) -> Counts? {
            guard let outcome, let report = outcome.report else { return nil }
            return Counts(
                rows: report.rows, inserted: report.inserted, updated: report.updated, unchanged: report.unchanged,
                seconds: Self.seconds(outcome.seconds))
        }
        let problems = (upload.check?.problems ?? []).map(Self.problemRow)
        let running = run.map { !$0.finished } ?? false
        let state =
            running
            ? run!.work.rawValue
            : upload.appliedAt != nil ? "applied" : upload.check == nil ? "unchecked" : upload.check?.problems.isEmpty == false ? "errors" : "checked"
        return Upload(
            id: upload.id, kind: upload.kind.rawValue, kindLabel: labels["import_kind_\(upload.kind.rawValue)"] ?? upload.kind.rawValue,
            fileName: upload.fileName, size: upload.size, sha256: upload.sha256, uploadedBy: upload.uploadedBy,
            uploadedAt: Instant.format(upload.uploadedAt, in: tenant.timeZone), expiresAt: Instant.format(upload.expiresAt, in: tenant.timeZone),
            converted: (upload.applied?.report ?? upload.check?.report)?.convertedFrom != nil,
            hasErrors: !problems.isEmpty, checkRows: upload.check?.rows ?? 0,
            checkSeconds: Self.seconds(upload.check?.seconds ?? 0), dryRun: counts(upload.check), problems: problems,
            problemCount: problems.count, applied: counts(upload.applied), appliedBy: upload.appliedBy,
            appliedAt: upload.appliedAt.map { Instant.format($0, in: tenant.timeZone) }, canApply: upload.canApply && !running,
            canCheck: upload.appliedAt == nil && !running, state: labels["import_state_\(state)"] ?? state,
            running: running, runningRows: run?.rows ?? 0, runningSeconds: Self.seconds(run.map { Date().timeIntervalSince($0.started) } ?? 0),
            failure: running ? nil : run?.failure)
    }

    static func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }

    /// `line 3, column role: …` as its line, column and message; other paths (`file`) as the column.
    static func problemRow(_ problem: Problem) -> ProblemRow {
        if let match = problem.path.wholeMatch(of: /line (\d+)(?:, column (.+))?/) {
            return ProblemRow(line: String(match.1), column: match.2.map(String.init) ?? "", message: problem.message)
        }
        return ProblemRow(line: "", column: problem.path, message: problem.message)
    }
}

extension ImportKind {
    /// What importing this kind of file is (``Policy``).
    var action: Action {
        switch self {
        case .outlets: return .manageOutlets
        case .staff: return .manageStaff
        case .surveys, .complaints: return .importEvents
        case .visits: return .importVisits
        }
    }
}
