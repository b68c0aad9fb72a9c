public import Hummingbird
import TouchstoneCore
import TouchstoneStore

/// A KPI value as the API shows it: the value as a decimal string with 2 places, n and status.
struct KPIValueView: Encodable {
    let value: String
    let n: Int
    let status: String

    init(_ value: KPIValue) {
        self.value = value.value.fixed(2)
        self.n = value.n
        self.status = value.status.rawValue
    }
}

struct LeagueTable: ResponseEncodable {
    struct Row: Encodable {
        let rank: Int?
        let subject: String
        let name: String
        let current: KPIValueView
        let previous: KPIValueView?

        init(_ entry: LeagueEntry) {
            rank = entry.rank
            subject = entry.subject
            name = entry.name
            current = KPIValueView(entry.current)
            previous = entry.previous.map(KPIValueView.init)
        }
    }

    let kpi: String
    let level: KPILevel
    let region: String?
    let items: [Row]
}

struct TrendSeries: ResponseEncodable {
    struct Point: Encodable {
        let period: String
        let value: KPIValueView?
    }

    let level: KPILevel
    let subject: String
    let kpi: String
    let points: [Point]
}

struct DimensionProfile: ResponseEncodable {
    struct Entry: Encodable {
        let kpi: String
        let dimension: String
        let outlet: KPIValueView?
        let regionPath: String
        let region: KPIValueView?
    }

    let outlet: String
    let items: [Entry]
}

struct WarningList: ResponseEncodable {
    struct Warning: Encodable {
        let kpi: String
        let level: String
        let subject: String
        let previousPeriod: String
        let previous: KPIValueView
        let current: KPIValueView
    }

    let items: [Warning]
}

struct KPIDefinitionList: ResponseEncodable {
    let items: [KPIDefinition]
}

struct BatchJobList: ResponseEncodable {
    let items: [BatchJob]
}

extension BatchJob: ResponseEncodable {}
