import Foundation

/// A small time-series chart as inline SVG: several named series over one day, hour ticks, a y scale and a legend.
struct SVGLineChart {
    struct Series {
        var name: String
        var points: [(at: Date, value: Double)]
    }

    var title: String
    var unit: String
    var series: [Series]
    var start: Date
    var end: Date
    var width = 640.0
    var height = 260.0

    static let palette = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#718096", "#d69e2e", "#319795"]

    func render() -> String {
        let left = 56.0, right = 12.0, top = 24.0, bottom = 40.0 + 14.0 * Double((series.count + 3) / 4)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let values = series.flatMap { $0.points.map(\.value) }
        var low = values.min() ?? 0, high = values.max() ?? 1
        if high - low < 1e-9 { low -= 1; high += 1 }
        let span = end.timeIntervalSince(start)
        func x(_ date: Date) -> Double { left + plotWidth * date.timeIntervalSince(start) / span }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - low) / (high - low)) }

        var svg = SVGText.open(width: width, height: height, title: title)
        for tick in 0...4 {
            let value = low + (high - low) * Double(tick) / 4
            svg += SVGText.line(x1: left, y1: y(value), x2: width - right, y2: y(value), color: "#ddd", dashed: tick > 0)
            svg += SVGText.text(HTMLText.number(value, digits: abs(high - low) < 20 ? 1 : 0), x: left - 4, y: y(value) + 4, anchor: "end")
        }
        for hour in stride(from: 0, through: Int(span / 3600), by: 6) {
            let date = start.addingTimeInterval(Double(hour) * 3600)
            svg += SVGText.line(x1: x(date), y1: top, x2: x(date), y2: top + plotHeight, color: "#eee")
            svg += SVGText.text(HTMLText.time(date), x: x(date), y: top + plotHeight + 14, anchor: "middle")
        }
        svg += SVGText.text(unit, x: left, y: 12)
        for (index, line) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let sorted = line.points.sorted { $0.at < $1.at }
            if sorted.count == 1 {
                svg += "<circle cx=\"\(SVGText.n(x(sorted[0].at)))\" cy=\"\(SVGText.n(y(sorted[0].value)))\" r=\"2.5\" fill=\"\(color)\"/>"
            } else if !sorted.isEmpty {
                let path = sorted.map { "\(SVGText.n(x($0.at))),\(SVGText.n(y($0.value)))" }.joined(separator: " ")
                svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(path)\"/>"
            }
            let legendX = left + Double(index % 4) * plotWidth / 4
            let legendY = top + plotHeight + 30 + 14 * Double(index / 4)
            svg += "<rect x=\"\(SVGText.n(legendX))\" y=\"\(SVGText.n(legendY - 8))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            svg += SVGText.text(line.name, x: legendX + 14, y: legendY)
        }
        return svg + "</svg>"
    }
}
