import Hummingbird
import HummingbirdTesting
import Testing
import TouchstoneCore
import TouchstoneServer
import TouchstoneStore

/// The league download is opened in spreadsheets: a cell that would start a formula is
/// neutralised with a leading `'`, while the numbers stay numbers.
@Suite struct SpreadsheetInjectionTests {
    @Test func leagueCSVNeutralisesFormulas() async throws {
        let fixture = try await PageFixture.make()
        let app = fixture.app
        _ = try await OutletQueries.save(
            tenant: app.tenant, outlet: Outlet(code: "O1", name: "=HYPERLINK(\"http://evil.example\",\"x\")", regionPath: "华东/上海/浦东"),
            replace: true, database: app.database)
        try await app.application.test(.router) { client in
            let admin = try #require(try await PageClient.login(client, "admin"))
            let csv = try await admin.get("/league.csv?period=2026-09&kpi=MS&level=outlet").text
            let line = try #require(csv.split(separator: "\n").first { $0.contains(",O1,") })
            #expect(line.hasPrefix(#"1,O1,"'=HYPERLINK(""http://evil.example"",""x"")",61.98,"#), "\(line)")
        }
    }
}
