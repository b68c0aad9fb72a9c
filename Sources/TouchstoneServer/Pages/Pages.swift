import Hummingbird
import TouchstoneStore

/// The server-rendered head-office pages under `/`: login, overview, league table, outlet,
/// staff, audit, batch, payroll, import, people and corrective action pages, behind a page session and the API's scopes;
/// and the auditors' field form under `/field/` (``FieldPage``), the only pages with a script.
/// staff, audit, batch, payroll, import, people and webhooks pages, behind a page session and the API's scopes.
enum Pages {
    /// Registers the login routes and the session-protected pages on `router`.
    /// Templates and catalogues ship in the server's resource bundle; without them the
    /// installation is broken and the daemon stops at once, saying which file is missing.
    /// From `configuration`: secure cookies (the daemon is reached over HTTPS), the login limits
    /// and whether a proxy's `X-Forwarded-For` names the client. `tokens`: the API's token cache,
    /// which the people pages clear when they change a user or a token.
    static func addRoutes(
        to router: Router<AppRequestContext>, database: Database, configuration: ServerConfiguration, batches: BatchQueue,
        tokens: PrincipalCache
    ) {
        let renderer: PageRenderer
        do {
            renderer = try PageRenderer.bundled()
        } catch {
            preconditionFailure("\(error)")
        }
        let open = router.group().add(middleware: PageErrorMiddleware(renderer: renderer))
        let cookies = PageCookies(secure: configuration.secureCookies)
        LoginPage(
            database: database, renderer: renderer, cookies: cookies, throttle: LoginThrottle(limits: configuration.loginLimits),
            trustForwardedFor: configuration.trustForwardedFor
        ).addRoutes(to: open)
        let pages = router.group()
            .add(middleware: PageErrorMiddleware(renderer: renderer))
            .add(middleware: SessionAuthMiddleware(database: database, cookies: cookies))
            .add(middleware: ChangeActorMiddleware())
        OverviewPage(database: database, renderer: renderer).addRoutes(to: pages)
        LeaguePage(database: database, renderer: renderer).addRoutes(to: pages)
        OutletPage(database: database, renderer: renderer).addRoutes(to: pages)
        StaffPage(database: database, renderer: renderer).addRoutes(to: pages)
        AuditPage(database: database, renderer: renderer).addRoutes(to: pages)
        BatchPage(database: database, renderer: renderer, batches: batches).addRoutes(to: pages)
        PayrollPage(database: database, renderer: renderer).addRoutes(to: pages)
        ExportDownloads(database: database, renderer: renderer).addRoutes(to: pages)
        ImportPage(database: database, renderer: renderer).addRoutes(to: pages)
        VisitsPage(database: database, renderer: renderer).addRoutes(to: pages)
        PeoplePage(database: database, renderer: renderer, tokens: tokens).addRoutes(to: pages)
        PasswordPage(database: database, renderer: renderer, cookies: cookies).addRoutes(to: pages)
        FieldPage(database: database, renderer: renderer).addRoutes(to: pages, open: open)
        WebhooksPage(database: database, renderer: renderer).addRoutes(to: pages)
        ActionsPage(database: database, renderer: renderer).addRoutes(to: pages)
        ComplaintsPage(database: database, renderer: renderer).addRoutes(to: pages)
    }
}
