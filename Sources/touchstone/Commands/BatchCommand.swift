import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone batch run --tenant T --period P [--as-of INSTANT] [--full]`.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch", abstract: "The monthly batch.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute KPIs, statuses and draft payouts for a period (a progress line on a terminal's stderr, summary on stdout).")

        @OptionGroup var scope: TenantPeriodOptions
        @Option(name: .customLong("as-of"), help: "The instant complaint deadlines are judged against (ISO 8601 with offset; default now).")
        var asOf: String?
        @Flag(help: "Recompute every subject, even when only some inputs changed since the period's last run.")
        var full = false
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let period = try scope.parsedPeriod()
                let asOf = try self.asOf.map { try Instant.parse($0, path: "as-of") } ?? Date()
                let line = ProgressLine()
                defer { line.finish() }
                let job = try await options.withTenant(scope.tenant) { database, tenant in
                    return try await BatchRunner.withPayouts.run(
                        tenant: tenant, period: period, asOf: asOf, full: full, startedBy: ChangeActor.current ?? "cli",
                        progress: { line.update("batch: \($0)") }, database: database)
                }
                line.finish()
                let read =
                    job.inputs.map { "read \($0.audits) audits, \($0.responses) responses, \($0.complaints) complaints, \($0.kpis.count) KPIs" } ?? ""
                let kind =
                    job.inputs?.recomputed.map { "incremental (\($0.outlets) outlets, \($0.staff) staff members recomputed)" } ?? "full"
                print(
                    "batch \(job.period): job \(job.id) \(job.state.rawValue), \(kind), \(job.kpiRows ?? 0) KPI rows and \(job.payoutRows ?? 0) payout rows written; \(read); \(String(format: "%.2f", job.duration ?? 0)) s"
                )
            }
        }
    }
}
