import ArgumentParser
import TouchstoneCore
import TouchstoneStore

extension TenantCommand {
    /// `touchstone tenant field --tenant T [--max-distance M] [--submission-hours H] [--clock-skew S]
    /// [--rotation-months N] [--late-visits accept|refuse] [--photo-max-edge PX]`: the thresholds of the trust signals
    /// (docs/rules-choices.md); without options, shows them.
    struct Field: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "field",
            abstract: "Show or set the trust-signal thresholds and the rotation interval of field audits.")

        @Option(help: "The tenant code.") var tenant: String
        @Option(help: "Furthest a recorded position may be from the outlet, in metres (default 500).") var maxDistance: Int?
        @Option(help: "Longest time from the end of a visit to its arrival, in hours (default 48).") var submissionHours: Int?
        @Option(help: "Largest difference between a device's clock and the server's, in seconds (default 300).") var clockSkew: Int?
        @Option(help: "Months before the same auditor may audit the same outlet again (default 6).") var rotationMonths: Int?
        @Option(help: "Whether audits made outside their visit's window are accepted (flagged) or refused: accept or refuse (default refuse).")
        var lateVisits: LateVisits?
        @Option(help: "Longest edge, in pixels, the field form downscales photos to on the phone (200–8000, default 1600).")
        var photoMaxEdge: Int?
        @OptionGroup var options: CommonOptions

        enum LateVisits: String, ExpressibleByArgument, CaseIterable { case accept, refuse }

        func validate() throws {
            for (name, value, least) in [
                ("--max-distance", maxDistance, 1), ("--submission-hours", submissionHours, 1),
                ("--clock-skew", clockSkew, 1), ("--rotation-months", rotationMonths, 0),
            ] {
                if let value, value < least { throw ValidationError("\(name) must be at least \(least) (got \(value))") }
            }
            let range = FieldSettingsQueries.Settings.photoMaxEdgeRange
            if let photoMaxEdge, !range.contains(photoMaxEdge) {
                throw ValidationError("--photo-max-edge must be between \(range.lowerBound) and \(range.upperBound) pixels (got \(photoMaxEdge))")
            }
        }

        func run() async throws {
            try await reportingFailures {
                let change =
                    [maxDistance, submissionHours, clockSkew, rotationMonths, photoMaxEdge].contains { $0 != nil } || lateVisits != nil
                let (code, settings) = try await options.withTenant(tenant) { database, tenant in
                    var settings = try await FieldSettingsQueries.get(tenant: tenant, database: database)
                    if change {
                        if let maxDistance { settings.trust.maxDistanceMeters = Double(maxDistance) }
                        if let submissionHours { settings.trust.submissionHours = submissionHours }
                        if let clockSkew { settings.trust.clockSkewSeconds = clockSkew }
                        if let rotationMonths { settings.trust.rotation.intervalMonths = rotationMonths }
                        if let lateVisits { settings.lateVisitsAccepted = lateVisits == .accept }
                        if let photoMaxEdge { settings.photoMaxEdge = photoMaxEdge }
                        settings = try await FieldSettingsQueries.set(tenant: tenant, settings: settings, database: database)
                    }
                    return (tenant.code, settings)
                }
                let trust = settings.trust
                print(
                    """
                    tenant \(code): far from the outlet beyond \(Int(trust.maxDistanceMeters)) m; late after \(trust.submissionHours) h; \
                    clock skew beyond \(trust.clockSkewSeconds) s; rotation \(trust.rotation.intervalMonths) months; \
                    late visits \(settings.lateVisitsAccepted ? "accepted (flagged)" : "refused"); \
                    photos downscaled to \(settings.photoMaxEdge) px
                    """)
            }
        }
    }
}
