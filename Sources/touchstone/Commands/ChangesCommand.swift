import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone changes --tenant T [--entity E] [--since WHEN]`: the change log as CSV on stdout.
struct ChangesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "The append-only change log: who changed what, when, before and after (CSV on stdout).")

    @Option(help: "The tenant code.") var tenant: String
    @Option(help: "Only changes of this entity (outlet, staff, audit, template, kpi, plan, period, user, token, batch_run, …).")
    var entity: String?
    @Option(help: "Only changes at or after this instant (ISO 8601 with offset) or day (YYYY-MM-DD, in the tenant's time zone).")
    var since: String?
    @OptionGroup var options: CommonOptions

    /// Rows fetched per round trip.
    static let pageSize = 1000

    func run() async throws {
        try await reportingFailures {
            try await options.withTenant(tenant) { database, tenant in
                let zone = TimeZone(identifier: tenant.timezone) ?? .gmt
                let start = try since.map { text -> Date in
                    if let instant = Instant.parse(text) { return instant }
                    if let day = CivilDate(text) { return day.start(in: zone) }
                    throw ValidationError("--since must be an ISO 8601 instant with offset or a date YYYY-MM-DD (got \(text))")
                }
                print(CSVWriter.line(["id", "at", "actor", "action", "entity", "key", "before", "after"]), terminator: "")
                var cursor: Int64?
                repeat {
                    let page = try await ChangeQueries.list(
                        tenant: tenant, entity: entity, since: start, after: cursor, limit: Self.pageSize, database: database)
                    for change in page.items {
                        print(
                            CSVWriter.line([
                                String(change.id), Instant.format(change.at, in: zone), change.actor, change.action, change.entity, change.key,
                                change.before?.canonicalText ?? "", change.after?.canonicalText ?? "",
                            ]), terminator: "")
                    }
                    cursor = page.next.flatMap { Int64($0) }
                } while cursor != nil
            }
        }
    }
}
