public import Foundation
public import Hummingbird
import Logging
import NIOCore
public import TouchstoneCore
import TouchstoneStore

/// The per-request context of the Touchstone daemon.
///
/// Besides Hummingbird's core storage it carries the request id (set by ``RequestIDMiddleware``),
/// the body size limit of the matched route (set by ``BodyLimitMiddleware``, honoured by
/// `request.decode(as:context:)`), and the authenticated ``Principal`` once an authentication
/// middleware has set it.
public struct AppRequestContext: RequestContext {
    /// Hummingbird's core context storage (logger, endpoint path, parameters).
    public var coreContext: CoreRequestContextStorage
    /// The request id echoed in `X-Request-ID`, logged as `request_id` and put in problem bodies.
    public var requestID: String
    /// The authenticated caller; `nil` until an authentication middleware sets it.
    public var principal: Principal?
    /// The caller's tenant, set with ``principal``.
    public var tenant: Tenant?
    /// Largest request body accepted for this request, in bytes.
    public var maxBodySize: Int
    /// The page session's CSRF token, set by ``SessionAuthMiddleware`` for page requests.
    public var csrfToken: String?
    /// The peer's IP address (nil in in-process tests); behind a proxy, the proxy's.
    public let remoteAddress: String?

    /// JSON responses write instants as ISO 8601 (`2026-10-05T00:00:00Z`), not Foundation's seconds since 2001.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// Largest body `request.decode(as:context:)` will collect; equal to ``maxBodySize``.
    public var maxUploadSize: Int { self.maxBodySize }

    /// Creates the context for a new request.
    /// - Parameter source: Channel and logger of the request, provided by Hummingbird.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = source.logger[metadataKey: "hb.request.id"].map { "\($0)" } ?? RequestID().description
        self.principal = nil
        self.tenant = nil
        self.maxBodySize = ServerConfiguration.defaultMaxBodySize
        self.csrfToken = nil
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The authenticated principal, or a 401 problem when the request is anonymous.
    /// - Throws: ``APIProblem/unauthorized(_:)`` when no principal is set.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIProblem.unauthorized() }
        return principal
    }
}
