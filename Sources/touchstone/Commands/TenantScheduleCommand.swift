import ArgumentParser
import TouchstoneCore
import TouchstoneStore

extension TenantCommand {
    /// `touchstone tenant schedule --tenant T [--day D --at HH:MM | --off]`: when the daemon runs
    /// the monthly batch by itself (kpi-batch.md "Schedule"); without options, shows it.
    struct Schedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schedule",
            abstract: "Show or set when the daemon runs the monthly batch (default: the 3rd at 02:00 tenant time, then daily until close).")

        @Option(help: "The tenant code.") var tenant: String
        @Option(help: "Day of the month of the first run for the previous month (1–28).") var day: Int?
        @Option(help: "Time of every run, HH:MM in the tenant's time zone.") var at: String?
        @Flag(help: "Do not run the batch by itself.") var off = false
        @OptionGroup var options: CommonOptions

        func validate() throws {
            if off && (day != nil || at != nil) { throw ValidationError("--off cannot go with --day or --at") }
        }

        func run() async throws {
            try await reportingFailures {
                let change = off || day != nil || at != nil
                let standard = BatchSchedule.standard
                let wanted = off ? nil : try BatchSchedule.parse(day: day ?? standard.day, at: at ?? standard.time)
                let (code, timezone, schedule) = try await options.withTenant(tenant) { database, tenant in
                    let schedule =
                        change
                        ? try await BatchScheduleQueries.set(tenant: tenant, schedule: wanted, database: database)
                        : try await BatchScheduleQueries.get(tenant: tenant, database: database)
                    return (tenant.code, tenant.timezone, schedule)
                }
                guard let schedule else { return print("tenant \(code): the batch does not run by itself") }
                print(
                    "tenant \(code): the batch runs on day \(schedule.day) at \(schedule.time) (\(timezone)) for the previous month, then daily until it is closed"
                )
            }
        }
    }
}
