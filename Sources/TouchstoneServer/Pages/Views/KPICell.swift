import TouchstoneCore

/// A KPI value as the pages show it: 2 decimals, n, and its status as a CSS class and a label.
struct KPICell: Sendable {
    let value: String
    let n: Int
    let status: String
    let statusLabel: String
    let insufficient: Bool

    init(_ value: KPIValue, labels: [String: String]) {
        self.value = value.value.fixed(2)
        self.n = value.n
        self.status = value.status.rawValue
        self.statusLabel = labels["status_\(value.status.rawValue)"] ?? value.status.rawValue
        self.insufficient = value.status == .insufficient
    }
}
