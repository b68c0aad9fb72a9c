import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// The query parameters of the KPI views (API and pages): period, level, required values,
/// and a league's parameters within the caller's reach.
enum KPIQuery {
    /// A league request's parameters within the caller's scope (also the league page's): head office
    /// any region (nil: all), a region manager its subtree (default: its own region); others may not rank.
    static func league(_ request: Request, principal: Principal) throws -> (period: Period, kpi: String, level: KPILevel, region: String?) {
        let query = request.uri.queryParameters
        try principal.require(.readLeague)
        var region = query["region"].map(String.init)
        if region == nil, case .region(let own)? = principal.reach(for: .readLeague) { region = own }
        if let region, !principal.may(.readLeague, on: .region(region)) { throw APIProblem.forbidden("That region is outside yours.") }
        let level = try Self.level(query["level"].map(String.init) ?? "outlet")
        let kpi = try Self.required(query["kpi"].map(String.init), "kpi")
        return (try Self.period(query["period"]), kpi, level, region)
    }

    /// The required `period` parameter.
    static func period(_ text: Substring?) throws -> Period {
        guard let text else {
            throw APIProblem.badRequest("period is required (YYYY-MM or YYYY-Qn)", details: [ProblemDetail(path: "period", message: "missing")])
        }
        return try Period.parse(String(text))
    }

    /// A `level` parameter.
    static func level(_ text: String) throws -> KPILevel {
        guard let level = KPILevel(rawValue: text) else {
            throw APIProblem.badRequest(
                "level must be tenant, region, outlet or staff", details: [ProblemDetail(path: "level", message: "got \(text)")])
        }
        return level
    }

    /// The non-empty parameter `name`, or a 400 problem.
    static func required(_ value: String?, _ name: String) throws -> String {
        guard let value, !value.isEmpty else {
            throw APIProblem.badRequest("\(name) is required", details: [ProblemDetail(path: name, message: "missing")])
        }
        return value
    }
}
