import ChainGenerator
import Foundation
import Testing

@Suite("Chain generator: determinism")
struct DeterminismTests {
    @Test("the same spec gives byte-identical files")
    func sameSeedSameBytes() throws {
        let spec = ChainSpec(
            outlets: 30, staffPerOutlet: 10, auditsPerOutlet: 2, surveysPerOutlet: 20,
            complaintsPerOutlet: 3, seed: 42)
        let first = try withChain(spec) { _, dir in try hashes(dir) }
        let second = try withChain(spec) { _, dir in try hashes(dir) }
        #expect(first.count == chainFileNames.count)
        #expect(first == second)
    }

    @Test("a different seed gives different data files, the same definitions")
    func differentSeedDifferentBytes() throws {
        var spec = ChainSpec(outlets: 30, surveysPerOutlet: 20, seed: 1)
        let first = try withChain(spec) { _, dir in try hashes(dir) }
        spec.seed = 2
        let second = try withChain(spec) { _, dir in try hashes(dir) }
        for name in ["staff.csv", "audits.jsonl", "surveys.csv", "complaints.csv"] {
            #expect(first[name] != second[name], "\(name) should depend on the seed")
        }
        for name in ["TENANT", "outlets.csv", "template-nat.json", "kpis.json", "plan0-adv.json", "plan1-csh.json", "plan2-mgr.json"] {
            #expect(first[name] == second[name], "\(name) should not depend on the seed")
        }
    }

    /// Pins the demo chain's bytes: the generator uses only integer arithmetic and hand-written
    /// formatting, so these hashes must be the same on every machine and Swift version. A deliberate
    /// change of the generator updates them (and changes what `touchstone demo` shows).
    @Test("the demo chain has the same bytes on every machine")
    func demoGolden() throws {
        let actual = try withChain(.demo) { _, dir in try hashes(dir) }
        #expect(Set(actual.keys) == Set(Self.demoHashes.keys))
        for (name, hash) in Self.demoHashes {
            #expect(actual[name] == hash, "\(name)")
        }
    }

    /// FNV-1a 64 of each file of `ChainSpec.demo`.
    static let demoHashes: [String: String] = [
        "TENANT": "596e2c75efe99214",
        "outlets.csv": "51bc762ef39972e1",
        "staff.csv": "14774992201f1407",
        "template-nat.json": "abd0033635e4cee4",
        "audits.jsonl": "c86f32d765089d48",
        "surveys.csv": "80384c1741150ac6",
        "complaints.csv": "aa14dfe814bfec8e",
        "kpis.json": "0e11c9e56561821b",
        "plan0-adv.json": "040bfbeafd6d6118",
        "plan1-csh.json": "0a0e6714379536d2",
        "plan2-mgr.json": "82a6eb7c8911bcb8",
    ]

    @Test("an existing directory is reused and the chain overwritten")
    func overwrite() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        try Data(repeating: 65, count: 5_000_000).write(to: dir.file("surveys.csv"))
        try ChainWriter.write(.demo, to: dir.url)
        let once = try hashes(dir)
        try ChainWriter.write(.demo, to: dir.url)
        #expect(try hashes(dir) == once)
        #expect(try Data(contentsOf: dir.file("surveys.csv")).count < 5_000_000)
    }

    @Test(
        "an invalid spec is refused before anything is written",
        arguments: [
            ChainSpec(outlets: 0),
            ChainSpec(outlets: 5, staffPerOutlet: -1),
            ChainSpec(outlets: 5, period: "2026-13"),
            ChainSpec(outlets: 5, period: "202610"),
            ChainSpec(outlets: 5, tenant: ""),
            ChainSpec(outlets: 5, tenant: "a,b"),
        ])
    func invalidSpec(spec: ChainSpec) throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        #expect(throws: ChainGeneratorError.self) { try ChainWriter.write(spec, to: dir.url) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
    }
}
