import Foundation
import Testing

@testable import TouchstoneServer

/// The SVG charts: geometry, gaps, reference lines and escaping.
@Suite("Pages: charts") struct ChartTests {
    @Test func lineChartMapsValuesIntoThePlotAndBreaksAtGaps() {
        let chart = LineChart(
            points: [
                .init(label: "2026-07", value: 60), .init(label: "2026-08", value: nil), .init(label: "2026-09", value: 80),
                .init(label: "2026-10", value: 70),
            ],
            references: [.init(label: "target", value: 85, cssClass: "target")])
        #expect(chart.segments() == [[0], [2, 3]])
        #expect(chart.range.low < 60 && chart.range.high > 85)
        #expect(chart.y(80) < chart.y(70))
        #expect(chart.x(0) == 48 && chart.x(3) == 640 - 16)
        let svg = chart.svg(title: "MS <trend>")
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(svg.contains("MS &lt;trend&gt;") && !svg.contains("<trend>"))
        #expect(svg.components(separatedBy: "<polyline").count == 2, "one line for the run of two values; a lone point has no line")
        #expect(svg.components(separatedBy: "<circle").count == 4, "a dot per value")
        #expect(svg.contains(#"class="ref target""#))
    }

    @Test func lineChartWithoutValuesStillDraws() {
        let chart = LineChart(points: [.init(label: "2026-09", value: nil)])
        #expect(chart.range.low == 0 && chart.range.high == 100)
        #expect(chart.svg(title: "empty").contains("</svg>"))
    }

    @Test func radarChartPlacesFiveAxesClockwiseFromTheTop() {
        let chart = RadarChart(axes: ["有形度", "同理度", "反应度", "专业度", "信赖度"].map { .init(label: $0, outlet: 100, region: 50) })
        let top = chart.point(0, 100)
        #expect(abs(top.x - chart.center) < 0.001 && abs(top.y - (chart.center - chart.radius)) < 0.001)
        let half = chart.point(0, 50)
        #expect(abs(half.y - (chart.center - chart.radius / 2)) < 0.001)
        #expect(chart.point(1, 100).x > chart.center, "the second axis is to the right")
        #expect(chart.point(2, 150) == chart.point(2, 100), "values are clamped to the scale")
        let svg = chart.svg(title: "profile", outletLabel: "O1", regionLabel: "华东/上海")
        #expect(svg.contains("有形度") && svg.contains(#"<polygon class="outlet""#) && svg.contains(#"<polygon class="region""#))
    }

    @Test func escapesMarkup() {
        #expect(SVG.escape(#"<a href="x">&'"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
    }
}
