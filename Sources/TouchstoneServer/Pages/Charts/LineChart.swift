import Foundation

/// A KPI's values over periods as an inline SVG line chart, with the threshold and target
/// as dashed reference lines. Gaps (periods without a value) break the line.
struct LineChart {
    struct Point {
        let label: String
        let value: Double?
    }

    /// A horizontal reference line (threshold, target).
    struct Reference {
        let label: String
        let value: Double
        let cssClass: String
    }

    let points: [Point]
    let references: [Reference]
    var width = 640.0
    var height = 240.0
    private let margin = (left: 48.0, right: 16.0, top: 16.0, bottom: 40.0)

    init(points: [Point], references: [Reference] = []) {
        self.points = points
        self.references = references
    }

    /// The value range shown: every value and reference, padded, never empty.
    var range: (low: Double, high: Double) {
        let values = points.compactMap(\.value) + references.map(\.value)
        guard let low = values.min(), let high = values.max() else { return (0, 100) }
        let pad = max((high - low) * 0.1, 1)
        return (low - pad, high + pad)
    }

    /// x of the point at `index`.
    func x(_ index: Int) -> Double {
        let span = width - margin.left - margin.right
        return points.count <= 1 ? margin.left + span / 2 : margin.left + span * Double(index) / Double(points.count - 1)
    }

    /// y of `value`.
    func y(_ value: Double) -> Double {
        let (low, high) = range
        let span = height - margin.top - margin.bottom
        return margin.top + span * (1 - (value - low) / (high - low))
    }

    /// The chart as an `<svg>` element.
    func svg(title: String) -> String {
        var parts: [String] = []
        parts.append(
            #"<svg xmlns="http://www.w3.org/2000/svg" class="chart line-chart" viewBox="0 0 \#(SVG.number(width)) \#(SVG.number(height))" role="img" aria-label="\#(SVG.escape(title))">"#
        )
        parts.append("<title>\(SVG.escape(title))</title>")
        let (low, high) = range
        for tick in [low, (low + high) / 2, high] {
            parts.append(
                #"<text class="axis" x="\#(SVG.number(margin.left - 6))" y="\#(SVG.number(y(tick) + 4))" text-anchor="end">\#(String(format: "%.1f", tick))</text>"#
            )
        }
        parts.append(
            #"<line class="axis" x1="\#(SVG.number(margin.left))" y1="\#(SVG.number(height - margin.bottom))" x2="\#(SVG.number(width - margin.right))" y2="\#(SVG.number(height - margin.bottom))"/>"#
        )
        for reference in references {
            let ry = SVG.number(y(reference.value))
            parts.append(
                #"<line class="ref \#(reference.cssClass)" x1="\#(SVG.number(margin.left))" y1="\#(ry)" x2="\#(SVG.number(width - margin.right))" y2="\#(ry)" stroke-dasharray="4 3"/>"#
            )
            parts.append(
                #"<text class="ref-label" x="\#(SVG.number(width - margin.right))" y="\#(SVG.number(y(reference.value) - 3))" text-anchor="end">\#(SVG.escape(reference.label))</text>"#
            )
        }
        for segment in segments() where segment.count > 1 {
            let path = segment.map { "\(SVG.number(x($0))),\(SVG.number(y(points[$0].value!)))" }.joined(separator: " ")
            parts.append(#"<polyline class="series" fill="none" points="\#(path)"/>"#)
        }
        for (index, point) in points.enumerated() {
            if let value = point.value {
                parts.append(
                    #"<circle class="dot" cx="\#(SVG.number(x(index)))" cy="\#(SVG.number(y(value)))" r="3"><title>\#(SVG.escape(point.label)): \#(String(format: "%.2f", value))</title></circle>"#
                )
            }
            if index % max(1, points.count / 6) == 0 || index == points.count - 1 {
                parts.append(
                    #"<text class="axis" x="\#(SVG.number(x(index)))" y="\#(SVG.number(height - margin.bottom + 16))" text-anchor="middle">\#(SVG.escape(point.label))</text>"#
                )
            }
        }
        parts.append("</svg>")
        return parts.joined()
    }

    /// Runs of consecutive indexes that have values.
    func segments() -> [[Int]] {
        var runs: [[Int]] = []
        var current: [Int] = []
        for (index, point) in points.enumerated() {
            if point.value == nil {
                if !current.isEmpty { runs.append(current) }
                current = []
            } else {
                current.append(index)
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }
}
