import Hummingbird
import TouchstoneStore

/// The server-rendered head-office pages under `/`: login, overview, league table, outlet,
/// staff, audit and batch pages, behind a page session and the API's scopes.
enum Pages {
    /// Registers the login routes and the session-protected pages on `router`.
    /// Templates and catalogues ship in the server's resource bundle; without them the
    /// installation is broken and the daemon stops at once, saying which file is missing.
    /// `secureCookies` marks the cookies Secure (the daemon is reached over HTTPS).
    static func addRoutes(to router: Router<AppRequestContext>, database: Database, secureCookies: Bool) {
        let renderer: PageRenderer
        do {
            renderer = try PageRenderer.bundled()
        } catch {
            preconditionFailure("\(error)")
        }
        let open = router.group().add(middleware: PageErrorMiddleware(renderer: renderer))
        LoginPage(database: database, renderer: renderer, cookies: PageCookies(secure: secureCookies)).addRoutes(to: open)
        let pages = router.group()
            .add(middleware: PageErrorMiddleware(renderer: renderer))
            .add(middleware: SessionAuthMiddleware(database: database))
            .add(middleware: ChangeActorMiddleware())
        OverviewPage(database: database, renderer: renderer).addRoutes(to: pages)
        LeaguePage(database: database, renderer: renderer).addRoutes(to: pages)
        OutletPage(database: database, renderer: renderer).addRoutes(to: pages)
        StaffPage(database: database, renderer: renderer).addRoutes(to: pages)
        AuditPage(database: database, renderer: renderer).addRoutes(to: pages)
        BatchPage(database: database, renderer: renderer).addRoutes(to: pages)
    }
}
