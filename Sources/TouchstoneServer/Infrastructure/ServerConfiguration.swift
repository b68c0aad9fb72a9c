/// Settings of the HTTP server.
public struct ServerConfiguration: Sendable, Hashable {
    /// 1 MiB: the default limit for JSON request bodies.
    public static let defaultMaxBodySize = 1 << 20
    /// 20 MiB: the default limit for evidence (photo) uploads.
    public static let defaultEvidenceMaxBodySize = 20 << 20

    /// Address to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    public var host: String
    /// Port to bind; 0 picks a free port.
    public var port: Int
    /// Largest request body for ordinary routes, in bytes.
    public var maxBodySize: Int
    /// Largest request body for routes under ``evidenceRoutePrefixes``, in bytes.
    public var evidenceMaxBodySize: Int
    /// Route-template prefixes that accept ``evidenceMaxBodySize`` (e.g. `/api/v1/evidence`).
    public var evidenceRoutePrefixes: [String]
    /// After SIGTERM, how long to keep serving with readiness at 503 before closing the listener.
    public var drainDelay: Duration
    /// After the listener closes, how long in-flight requests (and then services) get to finish before being cancelled.
    public var drainTimeout: Duration
    /// Uploads (audits, evidence, surveys, complaints) allowed per credential; nil: unlimited.
    public var uploadRateLimit: UploadRateLimit?
    /// Evidence uploads and downloads allowed at once, per credential and overall.
    public var evidenceTransfers: EvidenceTransferLimit
    /// Mark the pages' cookies Secure with the `__Host-` prefix: set it when browsers reach the daemon over HTTPS (a TLS proxy in front).
    public var secureCookies: Bool
    /// Limits on failed page logins (per account, per client address, overall).
    public var loginLimits: LoginLimits
    /// Take the client's address for the login limits from the last `X-Forwarded-For` entry
    /// (set it only when a proxy in front always sets that header).
    public var trustForwardedFor: Bool
    /// How long an HTTP connection may sit idle (no request arriving, no response going out)
    /// before the server closes it; nil: never.
    public var idleTimeout: Duration?
    /// Whether the daemon runs due batches itself (kpi-batch.md "Schedule").
    public var runsSchedule: Bool
    /// Whether webhooks may be plain http:// to 127.0.0.1 / localhost (events.md; the demo and
    /// tests): registration accepts them and the dispatcher delivers to them.
    public var allowInsecureWebhooks: Bool
    /// Whether the daemon delivers the outbox to webhooks (``WebhookDispatcher``).
    public var deliversWebhooks: Bool
    /// How often the daemon runs the time-driven sweeps (``SweepService``); nil: never (another
    /// daemon on the same database does).
    public var sweepInterval: Duration?

    /// Creates a configuration; every parameter has a documented default.
    /// - Parameters:
    ///   - host: Address to bind (default `127.0.0.1`).
    ///   - port: Port to bind (default 8080).
    ///   - maxBodySize: Default body limit (1 MiB).
    ///   - evidenceMaxBodySize: Evidence body limit (20 MiB).
    ///   - evidenceRoutePrefixes: Routes that get the evidence limit (none).
    ///   - drainDelay: Serving time after SIGTERM with readiness at 503 (1 s).
    ///   - drainTimeout: Time for in-flight requests after the listener closes (10 s).
    ///   - uploadRateLimit: Uploads per credential (``UploadRateLimit/default``); nil: unlimited.
    ///   - evidenceTransfers: Evidence transfers at once (``EvidenceTransferLimit/default``).
    ///   - secureCookies: Secure page cookies (off: plain HTTP on loopback or a trusted network).
    ///   - loginLimits: Failed-login limits (``LoginLimits/default``).
    ///   - trustForwardedFor: Client address from `X-Forwarded-For` (off).
    ///   - idleTimeout: Idle connections are closed after this long (60 s).
    ///   - runsSchedule: Run due batches (on).
    ///   - allowInsecureWebhooks: Webhooks to http://127.0.0.1 or localhost (off).
    ///   - deliversWebhooks: Deliver events to webhooks (on).
    ///   - sweepInterval: Run the sweeps this often (60 s); nil: not at all.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        maxBodySize: Int = defaultMaxBodySize,
        evidenceMaxBodySize: Int = defaultEvidenceMaxBodySize,
        evidenceRoutePrefixes: [String] = [],
        drainDelay: Duration = .seconds(1),
        drainTimeout: Duration = .seconds(10),
        uploadRateLimit: UploadRateLimit? = .default,
        evidenceTransfers: EvidenceTransferLimit = .default,
        secureCookies: Bool = false,
        loginLimits: LoginLimits = .default,
        trustForwardedFor: Bool = false,
        idleTimeout: Duration? = .seconds(60),
        runsSchedule: Bool = true,
        allowInsecureWebhooks: Bool = false,
        deliversWebhooks: Bool = true,
        sweepInterval: Duration? = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.evidenceMaxBodySize = evidenceMaxBodySize
        self.evidenceRoutePrefixes = evidenceRoutePrefixes
        self.drainDelay = drainDelay
        self.drainTimeout = drainTimeout
        self.uploadRateLimit = uploadRateLimit
        self.evidenceTransfers = evidenceTransfers
        self.secureCookies = secureCookies
        self.loginLimits = loginLimits
        self.trustForwardedFor = trustForwardedFor
        self.idleTimeout = idleTimeout
        self.runsSchedule = runsSchedule
        self.allowInsecureWebhooks = allowInsecureWebhooks
        self.deliversWebhooks = deliversWebhooks
        self.sweepInterval = sweepInterval
    }

    /// The body limits these settings describe.
    public var bodyLimit: BodyLimit {
        BodyLimit(
            defaultMaxSize: self.maxBodySize,
            rules: self.evidenceRoutePrefixes.map { .init(routePrefix: $0, maxSize: self.evidenceMaxBodySize) }
        )
    }
}
