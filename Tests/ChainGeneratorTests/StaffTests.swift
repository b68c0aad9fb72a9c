import ChainGenerator
import Foundation
import Testing

@Suite("Chain generator: staff and movers")
struct StaffTests {
    @Test("no person has overlapping assignments; about 5 % move (3 % transfers, 2 % role changes)")
    func movers() throws {
        let spec = ChainSpec(
            outlets: 500, staffPerOutlet: 10, auditsPerOutlet: 0, surveysPerOutlet: 0,
            complaintsPerOutlet: 0, seed: 11)
        try withChain(spec) { summary, dir in
            let rows = try assignments(dir.file("staff.csv"))
            let people = Dictionary(grouping: rows, by: \.employee)
            #expect(people.count == 5_000)
            var transfers = 0
            var roleChanges = 0
            for (person, list) in people {
                let sorted = list.sorted { $0.start < $1.start }
                for (a, b) in zip(sorted, sorted.dropFirst()) {
                    let end = try #require(a.end, "\(person): an open assignment before another")
                    #expect(end < b.start, "\(person) overlaps")
                }
                #expect(sorted.dropLast().allSatisfy { $0.end != nil })
                #expect(sorted.last?.end == nil)
                guard sorted.count == 2 else {
                    #expect(sorted.count == 1)
                    continue
                }
                let (a, b) = (sorted[0], sorted[1])
                #expect(a.end!.hasPrefix("2026-10-"))
                #expect(b.start.hasPrefix("2026-10-"))
                // the new assignment starts the day after the old one ends
                #expect(Int(b.start.suffix(2))! == Int(a.end!.suffix(2))! + 1)
                if a.outlet != b.outlet {
                    transfers += 1
                    #expect(a.role == b.role)
                } else {
                    roleChanges += 1
                    #expect(a.role != b.role)
                }
            }
            #expect(transfers == summary.transfers)
            #expect(roleChanges == summary.roleChanges)
            let movers = Double(transfers + roleChanges) / 5_000
            #expect(movers > 0.04 && movers < 0.06, "movers \(movers)")
            #expect(Double(transfers) / 5_000 > 0.02 && Double(transfers) / 5_000 < 0.04)
            #expect(Double(roleChanges) / 5_000 > 0.01 && Double(roleChanges) / 5_000 < 0.03)
        }
    }

    @Test("roles, bonuses, names and outlets are well formed")
    func rows() throws {
        try withChain(.demo) { _, dir in
            let csv = try CSV(dir.file("staff.csv"))
            let outlets = Set(try CSV(dir.file("outlets.csv")).rows.map { $0[0] })
            let role = csv.column("role")
            let bonus = csv.column("target_bonus")
            let name = csv.column("name")
            for row in csv.rows {
                #expect(["advisor", "cashier", "manager"].contains(row[role]))
                #expect(["1200.00", "1500.00", "1800.00", "6000.00"].contains(row[bonus]))
                #expect((row[role] == "manager") == (row[bonus] == "6000.00"))
                #expect(outlets.contains(row[csv.column("outlet_code")]))
                #expect((2...4).contains(row[name].count))
                #expect(row[name].unicodeScalars.allSatisfy { $0.value >= 0x4E00 && $0.value <= 0x9FFF })
                #expect(row[csv.column("start_date")] <= "2026-10-31")
            }
            let counts = Dictionary(grouping: csv.rows.filter { $0[csv.column("end_date")].isEmpty }, by: { $0[role] }).mapValues(\.count)
            #expect(counts["advisor", default: 0] > counts["cashier", default: 0])
            #expect(counts["cashier", default: 0] > counts["manager", default: 0])
        }
    }

    @Test("the demo chain: 40 outlets, 400 staff, with transfers and role changes, small volumes")
    func demo() throws {
        let spec = ChainSpec.demo
        #expect(spec.outlets == 40 && spec.staffPerOutlet == 10)
        try withChain(spec) { summary, _ in
            #expect(summary.staff == 400)
            #expect(summary.transfers > 0)
            #expect(summary.roleChanges > 0)
            #expect(summary.audits == 80)
            #expect(summary.surveys == 1_200)
            #expect(summary.complaints == 120)
            #expect(summary.bytes < 1_000_000)
        }
    }

    @Test("small chains still get at least one transfer and one role change", arguments: [UInt64(0), 1, 2, 3, 4, 5, 6, 7])
    func forcedMovers(seed: UInt64) throws {
        let spec = ChainSpec(
            outlets: 4, staffPerOutlet: 10, auditsPerOutlet: 0, surveysPerOutlet: 0,
            complaintsPerOutlet: 0, seed: seed)
        try withChain(spec) { summary, _ in
            #expect(summary.transfers > 0)
            #expect(summary.roleChanges > 0)
        }
    }

    @Test("a single outlet has no transfers")
    func singleOutlet() throws {
        let spec = ChainSpec(outlets: 1, staffPerOutlet: 100, auditsPerOutlet: 5, surveysPerOutlet: 5, complaintsPerOutlet: 5, seed: 3)
        try withChain(spec) { summary, dir in
            #expect(summary.transfers == 0)
            let outlets = Set(try CSV(dir.file("staff.csv")).rows.map { $0[3] })
            #expect(outlets == ["N00000"])
        }
    }
}
