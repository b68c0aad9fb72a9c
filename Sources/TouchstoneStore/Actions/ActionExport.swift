public import Foundation
import PQ
public import TouchstoneCore

/// The corrective actions export (docs/actions.md "Export"): one row per action of the filter,
/// by id, streamed; the same rows go to the CSV and the workbook writer.
public enum ActionExport {
    /// The header's columns.
    public static let columns = [
        "id", "outlet", "region", "source", "link", "severity", "title", "owner", "state", "opened_at", "due_at", "verified_at", "overdue",
    ]

    /// The rows of the actions within `filter` (its `limit` and cursor are ignored), header first.
    public static func rows(tenant: Tenant, filter: ActionFilter, asOf: Date = Date(), database: Database, into rows: any ExportRows) async throws {
        try await database.tenantTransaction(tenant, readOnly: true) { conn in
            try rows.header(columns)
            let zone = tenant.timeZone
            var after: Int64 = 0
            while true {
                var page = filter
                page.after = after
                page.limit = 1000
                let actions = try ActionQueries.list(conn, filter: page, asOf: asOf)
                for a in actions {
                    try rows.row([
                        .integer(Int(a.id)), .text(a.outlet), .text(a.region), .text(a.source.rawValue), .text(a.link),
                        .text(a.severity.rawValue), .text(a.title), a.owner.map(ExportCell.text) ?? .empty,
                        .text(a.state.rawValue), .instant(a.openedAt, zone), .instant(a.dueAt, zone),
                        a.verifiedAt.map { .instant($0, zone) } ?? .empty, .text(a.overdue ? "yes" : "no"),
                    ])
                }
                guard let last = actions.last, actions.count == page.limit else { break }
                after = last.id
            }
        }
    }
}

extension ActionRecord {
    /// The source as one text: `audit/<id>/<item>`, `kpi/<period>/<code>`, `complaint/<id>`, or empty (by hand).
    public var link: String {
        switch source {
        case .audit: "audit/\(audit ?? "")/\(item ?? "")"
        case .kpi: "kpi/\(period ?? "")/\(kpi ?? "")"
        case .complaint: "complaint/\(complaint ?? "")"
        case .manual: ""
        }
    }
}

extension ExportAbout {
    /// The description of an export that is not of a period (the actions export).
    public static func undated(export: String, tenant: Tenant, now: Date = Date()) -> ExportAbout {
        ExportAbout(fields: [
            ("export", .text(export)), ("tenant", .text(tenant.code)), ("tenant_name", .text(tenant.name)),
            ("time_zone", .text(tenant.timezone)), ("generated_at", .instant(now, tenant.timeZone)),
        ])
    }
}
