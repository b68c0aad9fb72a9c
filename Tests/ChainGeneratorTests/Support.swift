import ChainGenerator
import Foundation

/// A fresh directory under the temporary directory, removed by `cleanup()`.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("chaingen-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func cleanup() {
        try? FileManager.default.removeItem(at: url)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// Writes `spec` into a scratch directory, runs `body`, removes the directory.
func withChain<T>(_ spec: ChainSpec, _ body: (ChainSummary, ScratchDirectory) throws -> T) throws -> T {
    let dir = try ScratchDirectory()
    defer { dir.cleanup() }
    let summary = try ChainWriter.write(spec, to: dir.url)
    return try body(summary, dir)
}

/// FNV-1a 64 of a file's bytes, as 16 hex digits.
func fnv1a(_ url: URL) throws -> String {
    let data = try Data(contentsOf: url)
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in data {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01B3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// The names of the files a chain consists of, in gen_chain.py's spelling.
let chainFileNames = [
    "TENANT", "outlets.csv", "staff.csv", "template-nat.json", "audits.jsonl", "surveys.csv",
    "complaints.csv", "kpis.json", "plan0-adv.json", "plan1-csh.json", "plan2-mgr.json",
]

/// Hashes of every file of the chain in `dir`, by name.
func hashes(_ dir: ScratchDirectory) throws -> [String: String] {
    var result: [String: String] = [:]
    for name in chainFileNames { result[name] = try fnv1a(dir.file(name)) }
    return result
}

/// A CSV file of ours: the header and the rows, split on commas (the generator never quotes).
struct CSV {
    let header: String
    let columns: [String]
    let rows: [[String]]

    init(_ url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        header = lines.first ?? ""
        columns = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func column(_ name: String) -> Int { columns.firstIndex(of: name)! }
}

/// Lines of a JSONL file as dictionaries.
func jsonLines(_ url: URL) throws -> [[String: Any]] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
    }
}

func json(_ url: URL) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(contentsOf: url))
}

/// `YYYY-MM-DDTHH:MM:SS+08:00` inside `period` (`YYYY-MM`): checks the shape and the ranges by hand.
func isInstant(_ s: String, inside period: String, days: Int) -> Bool {
    let b = Array(s.utf8)
    guard b.count == 25, s.hasPrefix(period + "-"), s.hasSuffix("+08:00") else { return false }
    func number(_ from: Int, _ count: Int) -> Int? {
        let slice = b[from..<(from + count)]
        guard slice.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return slice.reduce(0) { $0 * 10 + Int($1 - 48) }
    }
    guard b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
        let day = number(8, 2), let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
    else { return false }
    return (1...days).contains(day) && hour < 24 && minute < 60 && second < 60
}

/// An assignment row of staff.csv.
struct Assignment {
    let employee: String
    let role: String
    let outlet: String
    let start: String
    let end: String?

    /// Whether the assignment covers the date `YYYY-MM-DD` (dates compare as strings).
    func covers(_ date: String) -> Bool { start <= date && (end.map { date <= $0 } ?? true) }
}

func assignments(_ url: URL) throws -> [Assignment] {
    let csv = try CSV(url)
    let e = csv.column("employee_no")
    let r = csv.column("role")
    let o = csv.column("outlet_code")
    let s = csv.column("start_date")
    let en = csv.column("end_date")
    return csv.rows.map { Assignment(employee: $0[e], role: $0[r], outlet: $0[o], start: $0[s], end: $0[en].isEmpty ? nil : $0[en]) }
}
