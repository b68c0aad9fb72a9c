import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One reading of this process's resource use, from Linux's `/proc` (nil elsewhere).
public struct ProcessStatistics: Sendable, Hashable {
    /// Resident set size in bytes (`/proc/self/statm` field 2 × page size).
    public var residentMemoryBytes: Double
    /// User plus system CPU time in seconds (`/proc/self/stat` fields 14 and 15).
    public var cpuSeconds: Double
    /// Open file descriptors (entries of `/proc/self/fd`).
    public var openFileDescriptors: Double
    /// Start time in seconds since the Unix epoch (boot time `btime` + `/proc/self/stat` field 22).
    public var startTimeSeconds: Double

    /// Reads the current figures, or nil where `/proc` is not there.
    public static func read() -> ProcessStatistics? {
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let systemStat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let fields = StatFields(stat),
            let residentPages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) }),
            let bootTime = bootTime(systemStat),
            let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
        else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        return ProcessStatistics(
            residentMemoryBytes: residentPages * pageSize,
            cpuSeconds: (fields.userTicks + fields.systemTicks) / ticks,
            // The listing itself holds one descriptor open on /proc/self/fd.
            openFileDescriptors: Double(max(descriptors.count - 1, 0)),
            startTimeSeconds: bootTime + fields.startTicks / ticks)
        #else
        return nil
        #endif
    }

    /// `btime` of `/proc/stat`: the boot time in seconds since the epoch.
    static func bootTime(_ text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// The fields of `/proc/self/stat` we use, in clock ticks.
    struct StatFields: Hashable {
        var userTicks: Double
        var systemTicks: Double
        var startTicks: Double

        /// Parses the line; the command name (field 2) may hold spaces and parentheses, so
        /// fields are counted after its last `)`.
        init?(_ text: String) {
            guard let close = text.lastIndex(of: ")") else { return nil }
            // After ")": field 3 (state) is at index 0, so field n is at index n - 3.
            let rest = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
            guard rest.count > 19, let user = Double(rest[11]), let system = Double(rest[12]), let start = Double(rest[19])
            else { return nil }
            self.userTicks = user
            self.systemTicks = system
            self.startTicks = start
        }
    }
}
