import ArgumentParser
import Foundation
import TouchstoneCore
import TouchstoneStore

/// `touchstone visits assign|list --tenant T --period P`: visit plans (docs/rules-choices.md,
/// "Field visits, rotation and trust signals"). Visits are planned with `touchstone import visits`.
struct VisitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visits",
        abstract: "Auto-assign and list planned visits (plan them with `touchstone import visits`).",
        subcommands: [Assign.self, List.self])

    /// `touchstone visits assign --tenant T --period P [--today YYYY-MM-DD]`.
    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "assign",
            abstract: "Expire visits whose window ended, then give each planned visit of the period an auditor under the rotation rules.",
            discussion:
                "Prints one CSV line per planned visit of the period: visit_id,outlet_code,auditor,reason (the reason when it stayed unassigned).")

        @OptionGroup var scope: TenantPeriodOptions
        @Option(help: "Today's date in the tenant's time zone (default: today); visits whose window ended before it expire.")
        var today: String?
        @OptionGroup var options: CommonOptions

        func validate() throws {
            if let today, CivilDate(today) == nil { throw ValidationError("--today \(today) is not a date (YYYY-MM-DD)") }
        }

        func run() async throws {
            try await reportingFailures {
                let period = try scope.parsedPeriod()
                let run = try await options.withTenant(scope.tenant) { database, tenant in
                    let day = today.flatMap(CivilDate.init) ?? CivilDate(Date(), in: tenant.timeZone)
                    return try await VisitQueries.assign(tenant: tenant, period: period, today: day, database: database)
                }
                print(CSVWriter.line(["visit_id", "outlet_code", "auditor", "reason"]), terminator: "")
                for line in run.lines {
                    print(CSVWriter.line([line.visitID, line.outlet, line.auditor ?? "", line.reason ?? ""]), terminator: "")
                }
                FileHandle.standardError.write(
                    Data(
                        """
                        period \(period): \(run.assigned.count) assigned, \(run.unassigned.count) unassigned; \(run.expired) expired

                        """.utf8))
            }
        }
    }

    /// `touchstone visits list --tenant T --period P [--state S] [--auditor LOGIN]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "The visits whose window overlaps the period, as CSV on stdout.")

        @OptionGroup var scope: TenantPeriodOptions
        @Option(help: "Only visits in this state: \(VisitState.allCases.map(\.rawValue).joined(separator: ", ")).") var state: String?
        @Option(help: "Only visits of this auditor (login).") var auditor: String?
        @OptionGroup var options: CommonOptions

        func validate() throws {
            if let state, VisitState(rawValue: state) == nil {
                throw ValidationError("unknown state \(state): one of \(VisitState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            try await reportingFailures {
                let period = try scope.parsedPeriod()
                let visits = try await options.withTenant(scope.tenant) { database, tenant in
                    try await VisitQueries.list(
                        tenant: tenant, period: period, state: state.flatMap(VisitState.init), auditor: auditor,
                        database: database)
                }
                print(
                    CSVWriter.line([
                        "visit_id", "outlet_code", "template", "template_version", "window_from", "window_to", "auditor",
                        "state", "unassigned_reason",
                    ]), terminator: "")
                for v in visits {
                    print(
                        CSVWriter.line([
                            v.visitID, v.outlet, v.template, String(v.templateVersion), v.windowFrom.description,
                            v.windowTo.description, v.auditor ?? "", v.state.rawValue, v.unassignedReason ?? "",
                        ]),
                        terminator: "")
                }
            }
        }
    }
}
