/// The demo's checklist `dealer-aftersales` version 1: an after-sales service visit by a mystery
/// customer, five sections, every question in English and Chinese (`English / 中文`).
///
/// Every item kind of formats.md appears: `yesno`, `scale` 1..5, `measure` (pass at or under a
/// maximum), `choice`, an optional `photo` and a free `text`. Two critical items (one for its
/// section, one for the whole audit); item dimensions override their section's, so each of the
/// five radar dimensions is fed by several sections.
enum DealerChecklist {
    static let code = "dealer-aftersales"
    static let version = 1
    static let fileName = "template-dealer.json"

    enum Kind: Sendable {
        case yesno
        case scale
        /// Passes when the measured value is at most `max`.
        case measure(max: Int)
        /// `full` / `partial` / `none`.
        case choice
        case photo
        case text

        var isScored: Bool {
            switch self {
            case .photo, .text: false
            default: true
            }
        }
    }

    struct Item: Sendable {
        let code: String
        let text: String
        let kind: Kind
        var points = 5
        var na = false
        var critical: String? = nil
        var dimension: String? = nil
    }

    struct Section: Sendable {
        let code: String
        let name: String
        let weight: Int
        let dimension: String
        let items: [Item]
    }

    static let sections: [Section] = [
        Section(
            code: "RCP", name: "Reception / 接待", weight: 20, dimension: "responsiveness",
            items: [
                Item(code: "R1", text: "Was the customer greeted within 2 minutes of arrival? / 客户到店2分钟内是否有人接待？", kind: .yesno, critical: "section"),
                Item(code: "R2", text: "Seconds from arrival to the advisor's greeting / 从进店到服务顾问问候的秒数", kind: .measure(max: 120)),
                Item(
                    code: "R3", text: "Did the advisor wear a name badge and introduce themselves? / 服务顾问是否佩戴工牌并自我介绍？", kind: .yesno,
                    dimension: "empathy"),
                Item(
                    code: "R4", text: "Was the appointment checked and the customer's request confirmed? / 是否核对预约并确认客户需求？", kind: .yesno,
                    dimension: "empathy"),
                Item(
                    code: "R5", text: "Courtesy and warmth of the reception (1–5) / 接待的礼貌与热情程度（1–5分）", kind: .scale, points: 10, dimension: "empathy"),
            ]),
        Section(
            code: "DIA", name: "Diagnosis and quotation / 环车检查与报价", weight: 25, dimension: "assurance",
            items: [
                Item(code: "D1", text: "Was a walk-around inspection done and recorded with the customer? / 是否与客户一起环车检查并记录？", kind: .yesno),
                Item(code: "D2", text: "Were seat, steering-wheel and floor covers used? / 是否使用座椅套、方向盘套和脚垫？", kind: .yesno, dimension: "tangibles"),
                Item(code: "D3", text: "How were the repair items and their costs explained? / 维修项目及费用的说明程度", kind: .choice, points: 10),
                Item(
                    code: "D4", text: "Was any additional work approved by the customer before it started? / 增项维修是否事先征得客户同意？", kind: .yesno,
                    points: 10, critical: "audit"),
                Item(code: "D5", text: "Was an estimated completion time given? / 是否告知预计交车时间？", kind: .yesno, dimension: "reliability"),
            ]),
        Section(
            code: "WKS", name: "Workshop transparency / 车间透明", weight: 20, dimension: "reliability",
            items: [
                Item(
                    code: "W1", text: "Was the customer kept informed of progress (SMS, call or screen)? / 是否主动告知维修进度（短信、电话或看板）？", kind: .yesno,
                    dimension: "responsiveness"),
                Item(
                    code: "W2", text: "Could the customer watch the workshop (window or video)? / 客户能否通过窗口或视频查看车间？", kind: .yesno, na: true,
                    dimension: "tangibles"),
                Item(code: "W3", text: "Were the replaced parts shown to the customer? / 更换下的旧件是否向客户展示？", kind: .yesno),
                Item(
                    code: "W4", text: "Clarity of the technician's explanation of the fault (1–5) / 技师对故障原因的解释是否清楚（1–5分）", kind: .scale, points: 10,
                    dimension: "assurance"),
            ]),
        Section(
            code: "HND", name: "Vehicle hand-over / 交车", weight: 25, dimension: "reliability",
            items: [
                Item(code: "H1", text: "Was the vehicle ready by the promised time? / 是否在承诺时间内交车？", kind: .yesno, points: 10),
                Item(
                    code: "H2", text: "Was the invoice explained line by line and in line with the quote? / 结算单是否逐项解释并与报价一致？", kind: .yesno,
                    points: 10, dimension: "assurance"),
                Item(code: "H3", text: "Was the vehicle clean at hand-over? / 交车时车辆是否清洁？", kind: .yesno, dimension: "tangibles"),
                Item(code: "H4", text: "Were the next service date and mileage pointed out? / 是否提醒下次保养时间和里程？", kind: .yesno, dimension: "empathy"),
                Item(code: "H5", text: "Minutes waited at the cashier / 结算付款等待的分钟数", kind: .measure(max: 10), na: true, dimension: "responsiveness"),
            ]),
        Section(
            code: "FAC", name: "Facilities / 客户休息区与设施", weight: 10, dimension: "tangibles",
            items: [
                Item(code: "F1", text: "Was the lounge clean, with drinks and Wi-Fi? / 休息区是否整洁并提供饮品和Wi-Fi？", kind: .yesno),
                Item(code: "F2", text: "Were the restrooms clean and stocked? / 卫生间是否干净、用品齐全？", kind: .yesno),
                Item(code: "F3", text: "Was the children's area safe? / 儿童区域是否安全？", kind: .yesno, na: true),
                Item(code: "F4", text: "Photo of the lounge / 休息区照片", kind: .photo),
                Item(code: "F5", text: "Other remarks / 其他意见", kind: .text),
            ]),
    ]

    static let items: [Item] = sections.flatMap(\.items)

    /// The template as formats.md describes it, one item a line.
    static var json: String {
        let sectionTexts = sections.map { section in
            "  {\"code\": \"\(section.code)\", \"name\": \"\(section.name)\", \"weight\": \(section.weight), "
                + "\"dimension\": \"\(section.dimension)\", \"items\": [\n"
                + section.items.map { "    " + json($0) }.joined(separator: ",\n") + "\n  ]}"
        }
        return "{\"code\": \"\(code)\", \"version\": \(version), \"name\": \"After-sales service visit / 售后服务神秘顾客检查\",\n"
            + " \"requireReview\": false, \"disputeDays\": 14, \"sections\": [\n" + sectionTexts.joined(separator: ",\n") + "\n]}\n"
    }

    private static func json(_ item: Item) -> String {
        var fields = ["\"code\": \"\(item.code)\"", "\"text\": \"\(item.text)\""]
        switch item.kind {
        case .yesno: fields += ["\"type\": \"yesno\""]
        case .scale: fields += ["\"type\": \"scale\"", "\"min\": 1", "\"max\": 5"]
        case .measure(let max): fields += ["\"type\": \"measure\"", "\"pass\": {\"max\": \(max)}"]
        case .choice:
            fields += [
                "\"type\": \"choice\"",
                "\"options\": [{\"value\": \"full\", \"points\": \(item.points)}, "
                    + "{\"value\": \"partial\", \"points\": \(item.points / 2)}, {\"value\": \"none\", \"points\": 0}]",
            ]
        case .photo: fields += ["\"type\": \"photo\"", "\"required\": false"]
        case .text: fields += ["\"type\": \"text\""]
        }
        if item.kind.isScored { fields.append("\"points\": \(item.points)") }
        if item.na { fields.append("\"na\": true") }
        if let critical = item.critical { fields.append("\"critical\": \"\(critical)\"") }
        if let dimension = item.dimension { fields.append("\"dimension\": \"\(dimension)\"") }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}
