import Foundation
import Testing
import TouchstoneCore

@testable import TouchstoneServer

/// Page helpers: form parsing, redirect targets, league sorting.
@Suite("Pages: support") struct PageSupportTests {
    @Test func parsesURLEncodedForms() {
        let form = PageForm(urlEncoded: "tenant=acme&login=ana+li&password=p%40ss%3D1&empty=&flag")
        #expect(form["tenant"] == "acme")
        #expect(form["login"] == "ana li")
        #expect(form["password"] == "p@ss=1")
        #expect(form["empty"] == "" && form["flag"] == "")
        #expect(form["missing"] == nil)
    }

    @Test(arguments: [
        ("/league?kpi=MS", "/league?kpi=MS"), ("//evil.example/x", "/"), ("/\\evil.example", "/"),
        ("https://evil.example", "/"), ("", "/"),
    ])
    func redirectsOnlyWithinTheSite(next: String, target: String) {
        #expect(PageLinks.localTarget(next) == target)
    }

    @Test func encodesPathSegmentsAndQueryValues() {
        #expect(PageLinks.encode("华东/上海 & co") == "%E5%8D%8E%E4%B8%9C%2F%E4%B8%8A%E6%B5%B7%20%26%20co")
        #expect(PageLinks.encode("O-1_a.b~") == "O-1_a.b~")
    }

    @Test func sortsLeagueRowsKeepingInsufficientLast() {
        func row(_ rank: Int?, _ subject: String, _ value: Decimal, previous: Decimal?) -> LeagueRows.Row {
            LeagueRows.Row(
                rank: rank, subject: subject, name: "name " + subject,
                current: KPIValue(value: value, n: 5, status: rank == nil ? .insufficient : .green),
                previous: previous.map { KPIValue(value: $0, n: 5, status: .green) })
        }
        let rows = [
            row(1, "O3", 90, previous: 95), row(2, "O1", 80, previous: 60), row(3, "O2", 70, previous: nil), row(nil, "O4", 99, previous: 10),
        ]
        #expect(LeagueRows.sorted(rows, by: .rank, descending: false).map(\.subject) == ["O3", "O1", "O2", "O4"])
        #expect(LeagueRows.sorted(rows, by: .rank, descending: true).map(\.subject) == ["O2", "O1", "O3", "O4"])
        #expect(LeagueRows.sorted(rows, by: .value, descending: false).map(\.subject) == ["O2", "O1", "O3", "O4"])
        #expect(LeagueRows.sorted(rows, by: .change, descending: true).map(\.subject) == ["O1", "O3", "O2", "O4"])
        #expect(LeagueRows.sorted(rows, by: .name, descending: false).map(\.subject) == ["O1", "O2", "O3", "O4"])
        #expect(rows[1].change == 20 && rows[2].change == nil)
    }
}
