import Foundation

@testable import TouchstoneCore

/// Shared test inputs.
enum Fixtures {
    /// The sample files under `Tests/Fixtures/samples/` (found from this file, so any checkout works).
    static let specDir = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/samples")

    /// The sample template from the spec (inline copy so the tests do not depend on the file).
    static let demoTemplateJSON = """
        {"code": "demo-visit", "version": 1, "name": "售后接待神秘顾客检查 (demo)", "requireReview": false, "disputeDays": 7,
         "sections": [
          {"code": "ARR", "name": "到店接待 Arrival", "weight": 30, "dimension": "tangibles",
           "items": [
             {"code": "A1", "text": "展厅整洁、标识清楚", "type": "yesno", "points": 10},
             {"code": "A2", "text": "接待人员仪容仪表", "type": "scale", "min": 1, "max": 5, "points": 10},
             {"code": "A3", "text": "儿童区域安全", "type": "yesno", "points": 5, "na": true},
             {"code": "P1", "text": "门店外观照片", "type": "photo", "required": false}]},
          {"code": "SRV", "name": "服务过程 Service", "weight": 50, "dimension": "responsiveness",
           "items": [
             {"code": "S1", "text": "进店到被问候的秒数", "type": "measure", "pass": {"max": 60}, "points": 10},
             {"code": "S2", "text": "主动确认客户需求", "type": "yesno", "points": 10, "critical": "section", "dimension": "empathy"},
             {"code": "S3", "text": "报价说明完整", "type": "choice", "points": 10, "dimension": "assurance",
              "options": [{"value": "full", "points": 10}, {"value": "partial", "points": 4}, {"value": "none", "points": 0}]}]},
          {"code": "CLS", "name": "离店 Closing", "weight": 20, "dimension": "reliability",
           "items": [
             {"code": "C1", "text": "按承诺时间交车", "type": "yesno", "points": 5, "na": true},
             {"code": "C2", "text": "其他意见", "type": "text"}]}]}
        """

    static var demoTemplate: Template { try! Template.parse(json: Data(demoTemplateJSON.utf8)) }

    /// The rules.md worked example template: like the sample, but S2/S3 keep the section dimension.
    static var workedTemplate: Template {
        var t = demoTemplate
        t.sections[1].items[1].dimension = nil
        t.sections[1].items[2].dimension = nil
        return t
    }

    static let workedAnswers: [String: Answer] = [
        "A1": .text("yes"), "A2": .number(4), "A3": .na, "S1": .number(75), "S2": .text("yes"),
        "S3": .text("partial"), "C1": .na, "C2": .text("等候区无人引导"),
    ]

    static func d(_ s: String) -> Decimal { Decimal(exactly: s)! }
    static func day(_ s: String) -> CivilDate { CivilDate(s)! }
}
