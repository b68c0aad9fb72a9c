import Testing

@testable import TouchstoneCore

@Suite struct VisitAssignmentTests {
    func day(_ text: String) -> CivilDate { CivilDate(text)! }

    @Test func balancesLoadAndBreaksTiesByLogin() {
        let visits = (0..<6).map { OpenVisit(id: "V\($0)", outlet: "O\($0)", region: "East", windowStart: day("2026-03-01")) }
        let auditors = [FieldAuditor(login: "b"), FieldAuditor(login: "a"), FieldAuditor(login: "c")]
        let outcome = VisitAssignment.assign(visits, auditors: auditors, history: [], load: ["c": 1], rules: RotationRules())
        let by = outcome.mapValues { if case .assigned(let auditor) = $0 { auditor } else { "-" } }
        #expect(by == ["V0": "a", "V1": "b", "V2": "a", "V3": "b", "V4": "c", "V5": "a"])
    }

    @Test func neverSendsAnAuditorToAnOutletWhereTheyAreStaff() {
        let visit = OpenVisit(id: "V", outlet: "SH01", region: "East/SH", windowStart: day("2026-03-01"))
        let outcome = VisitAssignment.assign(
            [visit], auditors: [FieldAuditor(login: "a", staffOf: ["SH01"]), FieldAuditor(login: "z")],
            history: [], rules: RotationRules())
        #expect(outcome["V"] == .assigned(auditor: "z"))
    }

    @Test func keepsAuditorsInsideTheirRegions() {
        let visit = OpenVisit(id: "V", outlet: "SH01", region: "East/SH", windowStart: day("2026-03-01"))
        let westOnly = FieldAuditor(login: "a", regions: ["West"])
        let lookalike = FieldAuditor(login: "b", regions: ["East/S"])
        let east = FieldAuditor(login: "c", regions: ["West", "East"])
        #expect(
            VisitAssignment.assign([visit], auditors: [westOnly, lookalike, east], history: [], rules: RotationRules())["V"]
                == .assigned(auditor: "c"))
    }

    @Test func rotationCountsPastVisitsAndThisRunsOwn() {
        let rules = RotationRules(intervalMonths: 6)
        let visits = [
            OpenVisit(id: "V1", outlet: "SH01", region: "East", windowStart: day("2026-03-01")),
            OpenVisit(id: "V2", outlet: "SH01", region: "East", windowStart: day("2026-05-01")),
            OpenVisit(id: "V3", outlet: "SH01", region: "East", windowStart: day("2026-09-01")),
        ]
        let history = [PastVisit(auditor: "a", outlet: "SH01", date: day("2025-12-01"))]
        let outcome = VisitAssignment.assign(visits, auditors: [FieldAuditor(login: "a"), FieldAuditor(login: "b")], history: history, rules: rules)
        #expect(outcome["V1"] == .assigned(auditor: "b"))
        #expect(outcome["V2"] == .unassigned(excluded: [.rotation: 2]))
        #expect(outcome["V3"] == .assigned(auditor: "a"))
        #expect(outcome["V2"]?.reason == "no auditor may go: 2 rotation")
    }

    @Test func theCapAndTheReasonsForAnUnassignedVisit() {
        let rules = RotationRules(intervalMonths: 6, maxVisitsPerAuditor: 1)
        let visits = [
            OpenVisit(id: "V1", outlet: "A", region: "East", windowStart: day("2026-03-01")),
            OpenVisit(id: "V2", outlet: "B", region: "East", windowStart: day("2026-03-02")),
        ]
        let auditors = [FieldAuditor(login: "a"), FieldAuditor(login: "s", staffOf: ["B"]), FieldAuditor(login: "w", regions: ["West"])]
        let outcome = VisitAssignment.assign(visits, auditors: auditors, history: [], rules: rules)
        #expect(outcome["V1"] == .assigned(auditor: "a"))
        #expect(outcome["V2"] == .unassigned(excluded: [.staffOfOutlet: 1, .outsideRegions: 1, .capacity: 1]))
        #expect(outcome["V2"]?.reason == "no auditor may go: 1 staff_of_outlet, 1 outside_regions, 1 capacity")
        #expect(VisitAssignment.assign(visits, auditors: [], history: [], rules: rules)["V1"]?.reason == "no auditors")
    }

    @Test func theSameInputsInAnyOrderGiveTheSameAssignment() {
        let chain = RotationChain(outlets: 30, auditors: 5, months: 4)
        let first = VisitAssignment.assign(chain.visits, auditors: chain.auditors, history: [], rules: RotationRules())
        var generator = SeededRNG(state: 7)
        let second = VisitAssignment.assign(
            chain.visits.shuffled(using: &generator), auditors: chain.auditors.shuffled(using: &generator),
            history: [], rules: RotationRules())
        #expect(first == second)
    }

    /// 200 outlets in 5 regions, 20 auditors (some limited to regions, some on outlets' staff
    /// lists), one visit per outlet per month for 12 months: every pair of visits by one auditor
    /// to one outlet is at least 6 months apart, nobody visits where they are staff or outside
    /// their regions, and every visit left over says why.
    @Test func aYearOfAChainHasNoRotationOrConflictViolation() {
        let chain = RotationChain(outlets: 200, auditors: 20, months: 12)
        let rules = RotationRules()
        let outcome = VisitAssignment.assign(chain.visits, auditors: chain.auditors, history: [], rules: rules)
        #expect(outcome.count == 2400)
        let auditors = Dictionary(uniqueKeysWithValues: chain.auditors.map { ($0.login, $0) })
        var byPair: [String: [CivilDate]] = [:]
        var loads: [String: Int] = [:]
        var unassigned = 0
        for visit in chain.visits {
            switch outcome[visit.id]! {
            case .assigned(let login):
                let auditor = auditors[login]!
                #expect(!auditor.staffOf.contains(visit.outlet), "\(login) is staff at \(visit.outlet)")
                #expect(auditor.regions.isEmpty || auditor.regions.contains { RegionSubtree.contains(visit.region, root: $0) })
                byPair["\(login)|\(visit.outlet)", default: []].append(visit.windowStart)
                loads[login, default: 0] += 1
            case .unassigned(let excluded):
                unassigned += 1
                #expect(excluded.values.reduce(0, +) == 20, "every auditor accounted for in \(excluded)")
            }
        }
        for (pair, days) in byPair {
            for (i, a) in days.enumerated() {
                for b in days[(i + 1)...] { #expect(!rules.tooClose(a, b), "\(pair): \(a) and \(b)") }
            }
        }
        // 20 auditors, each outlet at most twice a year per auditor: 2,400 visits fit.
        #expect(unassigned == 0)
        let unrestricted = chain.auditors.filter { $0.regions.isEmpty }.map { loads[$0.login] ?? 0 }
        #expect(unrestricted.max()! - unrestricted.min()! <= 1, "balanced: \(unrestricted)")
    }
}

/// A generated chain for the rotation tests: outlets round-robin over five regions, one visit
/// per outlet per month; every fourth auditor limited to two regions, every fifth on the staff of
/// two outlets.
struct RotationChain {
    let visits: [OpenVisit]
    let auditors: [FieldAuditor]

    init(outlets: Int, auditors: Int, months: Int) {
        let regions = ["East/SH", "East/HZ", "North/BJ", "South/GZ", "West/CD"]
        visits = (0..<months).flatMap { month in
            (0..<outlets).map { outlet in
                OpenVisit(
                    id: "V\(month)-\(outlet)", outlet: "O\(outlet)", region: regions[outlet % regions.count],
                    windowStart: CivilDate(year: 2026, month: month + 1, day: 1)!)
            }
        }
        self.auditors = (0..<auditors).map { index in
            FieldAuditor(
                login: index < 10 ? "aud0\(index)" : "aud\(index)",
                regions: index % 4 == 3 ? [regions[index % 5], String(regions[(index + 1) % 5].prefix(while: { $0 != "/" }))] : [],
                staffOf: index % 5 == 4 ? ["O\(index)", "O\(index + 100)"] : [])
        }
    }
}
