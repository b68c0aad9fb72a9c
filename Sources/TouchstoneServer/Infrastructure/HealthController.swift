import Foundation
public import Hummingbird

/// Serves the liveness and readiness probes.
///
/// - `GET /health/live`: always `200 {"status":"live"}` while the process serves HTTP.
/// - `GET /health/ready`: `200 {"status":"ready"}` when the readiness check passes;
///   `503 {"status":"not_ready","reasons":[…]}` when it does not, and
///   `503 {"status":"draining","reasons":["draining"]}` once graceful shutdown has begun.
///
/// The readiness check runs on every probe, so it should be cheap and bounded in time
/// (a `SELECT 1` with the pool's acquire timeout, and a cached migration check).
public struct HealthController: Sendable {
    let readiness: @Sendable () async -> ReadinessReport
    let drain: DrainState

    /// Creates the controller.
    /// - Parameters:
    ///   - readiness: Says whether the database answers and migrations are current.
    ///   - drain: Drain flag; readiness answers 503 once it is set.
    public init(readiness: @escaping @Sendable () async -> ReadinessReport, drain: DrainState) {
        self.readiness = readiness
        self.drain = drain
    }

    /// Registers `GET health/live` and `GET health/ready` (relative to the router or group).
    /// - Parameter router: Router or group to add the routes to.
    public func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("health/live") { _, _ in Self.json(.ok, Body(status: "live", reasons: nil)) }
        router.get("health/ready") { _, _ in await self.ready() }
    }

    /// Answers the readiness probe.
    /// - Returns: 200 when ready, 503 with reasons otherwise.
    public func ready() async -> Response {
        if self.drain.isDraining {
            return Self.json(.serviceUnavailable, Body(status: "draining", reasons: ["draining"]))
        }
        let report = await self.readiness()
        if self.drain.isDraining {
            return Self.json(.serviceUnavailable, Body(status: "draining", reasons: ["draining"]))
        }
        if report.isReady {
            return Self.json(.ok, Body(status: "ready", reasons: nil))
        }
        return Self.json(.serviceUnavailable, Body(status: "not_ready", reasons: report.reasons))
    }

    private struct Body: Encodable {
        let status: String
        let reasons: [String]?
    }

    private static func json(_ status: HTTPResponse.Status, _ body: Body) -> Response {
        let bytes = (try? JSONEncoder().encode(body)) ?? Data(#"{"status":"unknown"}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        if status == .serviceUnavailable {
            headers[.retryAfter] = "1"
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
