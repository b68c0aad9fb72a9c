import ChainGenerator
import Foundation
import Testing

@Suite("Chain generator: files, counts and formats")
struct FormatTests {
    static let odd = ChainSpec(
        outlets: 57, staffPerOutlet: 7, auditsPerOutlet: 3, surveysPerOutlet: 11,
        complaintsPerOutlet: 4, seed: 99, period: "2026-10", tenant: "acme")

    @Test("the files have gen_chain.py's names and the summary points at them")
    func fileNames() throws {
        try withChain(Self.odd) { summary, dir in
            let present = Set(try FileManager.default.contentsOfDirectory(atPath: dir.url.path))
            #expect(present == Set(chainFileNames))
            #expect(summary.files.all.map(\.lastPathComponent) == chainFileNames)
            #expect(summary.files.plans.map(\.lastPathComponent) == ["plan0-adv.json", "plan1-csh.json", "plan2-mgr.json"])
            #expect(try String(contentsOf: dir.file("TENANT"), encoding: .utf8) == "acme\n")
            let total = try chainFileNames.reduce(0) { $0 + (try Data(contentsOf: dir.file($1)).count) }
            #expect(summary.bytes == total)
        }
    }

    @Test("row counts match the spec and the summary")
    func counts() throws {
        let spec = Self.odd
        try withChain(spec) { summary, dir in
            #expect(summary.outlets == 57)
            #expect(try CSV(dir.file("outlets.csv")).rows.count == 57)
            #expect(summary.staff == 57 * 7)
            let staff = try CSV(dir.file("staff.csv"))
            #expect(staff.rows.count == summary.staffRows)
            #expect(summary.staffRows == summary.staff + summary.transfers + summary.roleChanges)
            #expect(Set(staff.rows.map { $0[0] }).count == 57 * 7)
            #expect(summary.audits == 57 * 3)
            #expect(try jsonLines(dir.file("audits.jsonl")).count == 57 * 3)
            #expect(summary.answers == 57 * 3 * 60)
            #expect(summary.surveys == 57 * 11)
            #expect(try CSV(dir.file("surveys.csv")).rows.count == 57 * 11)
            #expect(summary.complaints == 57 * 4)
            #expect(try CSV(dir.file("complaints.csv")).rows.count == 57 * 4)
            #expect(summary.kpis == 10)
            #expect((try json(dir.file("kpis.json")) as? [Any])?.count == 10)
            #expect(summary.plans == 3)
        }
    }

    @Test("CSV headers are exactly those of formats.md, every row has as many cells")
    func headers() throws {
        try withChain(Self.odd) { _, dir in
            let expected = [
                "outlets.csv": "code,name,type,region_path,opened_on,closed_on,city",
                "staff.csv": "employee_no,name,role,outlet_code,start_date,end_date,target_bonus",
                "surveys.csv": "response_id,outlet_code,employee_no,responded_at,channel,sat,nps",
                "complaints.csv": "complaint_id,outlet_code,employee_no,severity,opened_at,first_response_at,resolved_at",
            ]
            for (name, header) in expected {
                let csv = try CSV(dir.file(name))
                #expect(csv.header == header, "\(name)")
                #expect(csv.rows.allSatisfy { $0.count == csv.columns.count }, "\(name)")
                let text = try String(contentsOf: dir.file(name), encoding: .utf8)
                #expect(!text.contains("\""), "\(name) needs no quoting")
                #expect(!text.hasPrefix("\u{FEFF}"))
                #expect(text.hasSuffix("\n"))
            }
        }
    }

    @Test("outlets: codes N00000…, 4-level region paths, the demo has at least 3 top regions")
    func outlets() throws {
        try withChain(.national.with(outlets: 2_000)) { _, dir in
            let csv = try CSV(dir.file("outlets.csv"))
            #expect(csv.rows.first?[0] == "N00000")
            #expect(csv.rows.last?[0] == "N01999")
            let paths = csv.rows.map { $0[csv.column("region_path")].split(separator: "/") }
            #expect(paths.allSatisfy { $0.count == 4 })
            #expect(Set(paths.map { $0[0] }).count == 4)
            #expect(Set(paths.map { $0[1] }).count == 4)  // 2,000 / 25 / 4 / 5 provinces, as gen_chain.py
            #expect(Set(paths.map { $0[3] }).count == 80)
            // each node has one parent
            var parent: [String: String] = [:]
            for p in paths {
                for level in 1..<4 {
                    let child = p[0...level].joined(separator: "/")
                    let up = p[0..<level].joined(separator: "/")
                    #expect(parent[child, default: up] == up)
                    parent[child] = up
                }
            }
        }
        try withChain(.demo) { _, dir in
            let csv = try CSV(dir.file("outlets.csv"))
            #expect(csv.rows.count == 40)
            let tops = Set(csv.rows.map { $0[csv.column("region_path")].split(separator: "/")[0] })
            #expect(tops.count >= 3)
            #expect(csv.rows.allSatisfy { $0[1].unicodeScalars.contains { $0.value > 0x4E00 } })
        }
    }

    @Test("surveys: sat 1..5, nps optional 0..10, employee optional and of that outlet that day")
    func surveys() throws {
        try withChain(Self.odd) { _, dir in
            let csv = try CSV(dir.file("surveys.csv"))
            let staff = try assignments(dir.file("staff.csv"))
            let byPerson = Dictionary(grouping: staff, by: \.employee)
            let sat = csv.column("sat")
            let nps = csv.column("nps")
            let employee = csv.column("employee_no")
            let outlet = csv.column("outlet_code")
            let at = csv.column("responded_at")
            var withNPS = 0
            var withEmployee = 0
            for row in csv.rows {
                #expect((1...5).contains(Int(row[sat]) ?? 0))
                if !row[nps].isEmpty {
                    withNPS += 1
                    #expect((0...10).contains(Int(row[nps]) ?? -1))
                }
                if !row[employee].isEmpty {
                    withEmployee += 1
                    let day = String(row[at].prefix(10))
                    #expect(byPerson[row[employee]]?.contains { $0.outlet == row[outlet] && $0.covers(day) } == true)
                }
            }
            #expect(withNPS > 0 && withNPS < csv.rows.count)
            #expect(withEmployee > 0 && withEmployee < csv.rows.count)
            #expect(Set(csv.rows.map { $0[0] }).count == csv.rows.count)
        }
    }

    @Test("complaints: severity, first response and resolution after opening")
    func complaints() throws {
        try withChain(Self.odd) { _, dir in
            let csv = try CSV(dir.file("complaints.csv"))
            let severity = csv.column("severity")
            let opened = csv.column("opened_at")
            let first = csv.column("first_response_at")
            let resolved = csv.column("resolved_at")
            for row in csv.rows {
                #expect(["high", "medium", "low"].contains(row[severity]))
                // same offset, fixed width: instants compare as strings
                if !row[first].isEmpty { #expect(row[first] > row[opened]) }
                if !row[resolved].isEmpty { #expect(row[resolved] > row[opened]) }
                if !row[first].isEmpty && !row[resolved].isEmpty { #expect(row[resolved] >= row[first]) }
            }
            #expect(csv.rows.contains { $0[resolved].isEmpty })
            #expect(csv.rows.contains { !$0[first].isEmpty })
        }
    }

    @Test("every instant lies inside the period, in +08:00", arguments: [("2026-10", 31), ("2027-02", 28), ("2028-02", 29), ("2026-11", 30)])
    func instantsInsidePeriod(period: String, days: Int) throws {
        let spec = ChainSpec(
            outlets: 40, staffPerOutlet: 10, auditsPerOutlet: 3, surveysPerOutlet: 40,
            complaintsPerOutlet: 10, seed: 5, period: period)
        try withChain(spec) { _, dir in
            var instants: [String] = []
            for audit in try jsonLines(dir.file("audits.jsonl")) { instants.append(audit["visitedAt"] as? String ?? "") }
            let surveys = try CSV(dir.file("surveys.csv"))
            instants += surveys.rows.map { $0[surveys.column("responded_at")] }
            let complaints = try CSV(dir.file("complaints.csv"))
            for row in complaints.rows {
                instants.append(row[complaints.column("opened_at")])
                for column in ["first_response_at", "resolved_at"] where !row[complaints.column(column)].isEmpty {
                    instants.append(row[complaints.column(column)])
                }
            }
            #expect(instants.count > 40 * (3 + 40 + 10))
            for instant in instants {
                #expect(isInstant(instant, inside: period, days: days), "\(instant)")
            }
            // the month's end is reached: the last day has events
            #expect(instants.contains { $0.hasPrefix("\(period)-\(days)") })
            // dates of staff moves are in the period too
            for a in try assignments(dir.file("staff.csv")) where a.end != nil || a.start.hasPrefix(period) {
                if let end = a.end { #expect(end.hasPrefix(period) && end < "\(period)-\(days)") }
            }
        }
    }

    @Test("definitions: the 60-item template, 10 KPIs and 3 plans as gen_chain.py writes them")
    func definitions() throws {
        try withChain(.demo) { _, dir in
            let template = try #require(try json(dir.file("template-nat.json")) as? [String: Any])
            #expect(template["code"] as? String == "nat-visit")
            #expect(template["version"] as? Int == 1)
            let sections = try #require(template["sections"] as? [[String: Any]])
            #expect(sections.count == 10)
            let items = sections.flatMap { $0["items"] as? [[String: Any]] ?? [] }
            #expect(items.count == 60)
            #expect(items.filter { $0["critical"] as? String == "section" }.map { $0["code"] as? String } == ["Q10"])
            #expect(items.filter { $0["critical"] as? String == "audit" }.map { $0["code"] as? String } == ["Q90"])
            #expect(items.filter { $0["dimension"] != nil }.count == 10)
            let kpis = try #require(try json(dir.file("kpis.json")) as? [[String: Any]])
            #expect(kpis.compactMap { $0["code"] as? String } == ["MS", "EMP", "S1", "CRIT", "T2B", "MEAN", "NPS", "SLA", "CCNT", "FRT"])
            let plans = try ["plan0-adv.json", "plan1-csh.json", "plan2-mgr.json"].map {
                try #require(try json(dir.file($0)) as? [String: Any])
            }
            #expect(plans.compactMap { $0["code"] as? String } == ["ADV", "CSH", "MGR"])
            #expect(plans.compactMap { ($0["roles"] as? [String])?.first } == ["advisor", "cashier", "manager"])
            // json.dump's spelling: one line, ", " and ": ", no newline at the end
            let text = try String(contentsOf: dir.file("kpis.json"), encoding: .utf8)
            #expect(text.hasPrefix(#"[{"code": "MS", "metric": "audit.score", "template": "nat-visit", "#))
            #expect(!text.contains("\n"))
            #expect(text.contains(#""threshold": 3.5, "target": 4.0"#))
        }
    }
}

extension ChainSpec {
    func with(outlets: Int) -> ChainSpec {
        var copy = self
        copy.outlets = outlets
        return copy
    }
}
