import ArgumentParser
import ChainGenerator
import Foundation

/// `touchstone generate DIR --outlets N [--seed S]`: a deterministic chain as files in the formats of formats.md.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic chain of any size (outlets, staff, template, audits, surveys, complaints, KPIs, plans).",
        discussion: "--outlets 10000 is the national chain of targets.md. The same seed always gives the same files.")

    @Argument(help: "The directory to write into.") var directory: String
    @Option(help: "Number of outlets.") var outlets = 40
    @Option(help: "Staff per outlet.") var staffPerOutlet = 10
    @Option(help: "Audits per outlet.") var auditsPerOutlet = 1
    @Option(help: "Survey responses per outlet.") var surveysPerOutlet = 100
    @Option(help: "Complaints per outlet.") var complaintsPerOutlet = 5
    @Option(help: "Random seed.") var seed: UInt64 = 7
    @Option(help: "The month, YYYY-MM.") var period = "2026-10"
    @Option(help: "The tenant code written to TENANT.") var tenant = "nat"

    func run() async throws {
        try await reportingFailures {
            let spec = ChainSpec(
                outlets: outlets, staffPerOutlet: staffPerOutlet, auditsPerOutlet: auditsPerOutlet,
                surveysPerOutlet: surveysPerOutlet, complaintsPerOutlet: complaintsPerOutlet, seed: seed, period: period, tenant: tenant)
            let summary = try ChainWriter.write(spec, to: URL(fileURLWithPath: directory))
            print(summary)
        }
    }
}
