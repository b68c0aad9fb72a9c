import Foundation
import Hummingbird
import NIOCore
import TouchstoneCore
import TouchstoneStore

/// Corrective actions as one caller sees them, for the API and the pages alike: every read is
/// cut to the caller's reach for ``Action/readActions``, every step checks the step's
/// permission on the action's outlet (``Principal/may(_:on:)``). Callers check the role first
/// (`context.require(.readActions)` and so on).
struct ActionDesk {
    let database: Database
    let tenant: Tenant
    let principal: Principal

    /// `asked` cut to the caller's reach; nil when the two do not overlap (nothing to read).
    func scoped(_ asked: ActionFilter) -> ActionFilter? {
        guard let reach = ActionFilter.reach(of: principal) else { return nil }
        var filter = asked
        if let own = reach.outlet {
            if let outlet = asked.outlet, outlet != own { return nil }
            filter.outlet = own
        }
        if let root = reach.within {
            if let within = asked.within {
                if RegionSubtree.contains(root, root: within) {
                    filter.within = root
                } else if !RegionSubtree.contains(within, root: root) {
                    return nil
                }
            } else {
                filter.within = root
            }
        }
        return filter
    }

    /// The actions of `asked` within reach.
    func list(_ asked: ActionFilter, asOf: Date = Date()) async throws -> [ActionRecord] {
        guard let filter = scoped(asked) else { return [] }
        return try await ActionQueries.list(tenant: tenant, filter: filter, asOf: asOf, database: database)
    }

    /// Action `id` with its history, when within reach (else not found).
    func get(_ id: Int64) async throws -> ActionRecord {
        guard let filter = scoped(ActionFilter()) else { throw StoreError.notFound("action \(id)") }
        return try await ActionQueries.get(tenant: tenant, id: id, within: filter, database: database)
    }

    /// Head office's board by region within reach.
    func board() async throws -> [ActionBoardLine] {
        guard let filter = scoped(ActionFilter()) else { return [] }
        return try await ActionQueries.board(tenant: tenant, filter: filter, database: database)
    }

    /// Opens an action by hand on an outlet the caller may open one on (``Action/openActions``).
    func open(_ manual: ManualAction) async throws -> ActionRecord {
        let principal = self.principal
        return try await ActionQueries.open(
            tenant: tenant, manual, actor: principal.login, allowed: { principal.may(.openActions, on: $0) }, database: database)
    }

    /// Takes `step` with `comment` and `evidence` on action `id`.
    func take(_ step: ActionStep, on id: Int64, comment: String?, evidence: [ActionPhoto] = []) async throws -> ActionRecord {
        guard let filter = scoped(ActionFilter()) else { throw StoreError.notFound("action \(id)") }
        let principal = self.principal
        return try await ActionQueries.transition(
            tenant: tenant, id: id, step: step, comment: comment, evidence: evidence, actor: principal.login, within: filter,
            allowed: { principal.may($0, on: $1) }, database: database)
    }

    /// Evidence `name` of action `id`, as served from our origin (``EvidenceResponse``'s headers).
    func evidence(_ id: Int64, name: String) async throws -> Response {
        guard let filter = scoped(ActionFilter()) else { throw StoreError.notFound("action \(id)") }
        let photo = try await ActionQueries.evidence(tenant: tenant, id: id, name: name, within: filter, database: database)
        return Response(
            status: .ok, headers: EvidenceResponse.headers(contentType: photo.contentType, name: photo.name),
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: photo.content)))
    }

    /// The actions export (CSV or workbook) of `asked` within reach.
    func export(_ asked: ActionFilter, xlsx: Bool, labels: [String: String] = [:]) async throws -> Response {
        let filter = scoped(asked) ?? ActionFilter(outlet: "")
        let tenant = self.tenant
        let database = self.database
        return try await ExportResponses.undated(
            "actions", sheet: "Actions", tenant: tenant, xlsx: xlsx, labels: labels
        ) { rows in
            try await ActionExport.rows(tenant: tenant, filter: filter, database: database, into: rows)
        }
    }
}
