import Foundation

/// Five-dimension profile as an inline SVG radar chart: one axis per dimension on a 0–100
/// scale, the outlet's polygon over its region's. Missing values sit at the centre.
struct RadarChart {
    struct Axis {
        let label: String
        let outlet: Double?
        let region: Double?
    }

    let axes: [Axis]
    var size = 320.0
    var scale = 100.0

    var center: Double { size / 2 }
    var radius: Double { size / 2 - 48 }

    /// The point of `value` on axis `index` (axis 0 points up, clockwise).
    func point(_ index: Int, _ value: Double) -> (x: Double, y: Double) {
        let angle = -Double.pi / 2 + 2 * Double.pi * Double(index) / Double(max(axes.count, 1))
        let r = radius * min(max(value, 0), scale) / scale
        return (center + r * cos(angle), center + r * sin(angle))
    }

    /// The chart as an `<svg>` element; `outletLabel` and `regionLabel` name the two polygons.
    func svg(title: String, outletLabel: String, regionLabel: String) -> String {
        var parts: [String] = []
        parts.append(
            #"<svg xmlns="http://www.w3.org/2000/svg" class="chart radar-chart" viewBox="0 0 \#(SVG.number(size)) \#(SVG.number(size + 24))" role="img" aria-label="\#(SVG.escape(title))">"#
        )
        parts.append("<title>\(SVG.escape(title))</title>")
        for ring in [25.0, 50, 75, 100] {
            parts.append(#"<polygon class="grid" fill="none" points="\#(polygon { _ in ring })"/>"#)
        }
        for (index, axis) in axes.enumerated() {
            let end = point(index, scale)
            let label = point(index, scale * 1.18)
            parts.append(
                #"<line class="grid" x1="\#(SVG.number(center))" y1="\#(SVG.number(center))" x2="\#(SVG.number(end.x))" y2="\#(SVG.number(end.y))"/>"#
            )
            parts.append(
                #"<text class="axis" x="\#(SVG.number(label.x))" y="\#(SVG.number(label.y + 4))" text-anchor="middle">\#(SVG.escape(axis.label))</text>"#
            )
        }
        parts.append(#"<polygon class="region" points="\#(polygon { axes[$0].region ?? 0 })"><title>\#(SVG.escape(regionLabel))</title></polygon>"#)
        parts.append(#"<polygon class="outlet" points="\#(polygon { axes[$0].outlet ?? 0 })"><title>\#(SVG.escape(outletLabel))</title></polygon>"#)
        let legendY = SVG.number(size + 14)
        parts.append(
            #"<rect class="outlet" x="8" y="\#(SVG.number(size + 4))" width="12" height="12"/><text class="legend" x="24" y="\#(legendY)">\#(SVG.escape(outletLabel))</text>"#
        )
        parts.append(
            #"<rect class="region" x="\#(SVG.number(size / 2))" y="\#(SVG.number(size + 4))" width="12" height="12"/><text class="legend" x="\#(SVG.number(size / 2 + 16))" y="\#(legendY)">\#(SVG.escape(regionLabel))</text>"#
        )
        parts.append("</svg>")
        return parts.joined()
    }

    /// `x,y x,y …` of one value per axis.
    func polygon(_ value: (Int) -> Double) -> String {
        axes.indices.map { index in
            let p = point(index, value(index))
            return "\(SVG.number(p.x)),\(SVG.number(p.y))"
        }.joined(separator: " ")
    }
}
