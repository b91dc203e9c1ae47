/// A small vertical bar chart as inline SVG: one bar per category, its value above it.
struct SVGBarChart {
    var title: String
    var bars: [(label: String, value: Double)]
    var width = 640.0
    var height = 240.0
    var color = "#2b6cb0"
    var valueDigits = 0

    func render() -> String {
        let left = 40.0, right = 10.0, top = 24.0, bottom = 36.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maximum = max(bars.map(\.value).max() ?? 0, 1)
        let slot = plotWidth / Double(max(bars.count, 1))
        var svg = SVGText.open(width: width, height: height, title: title)
        svg += SVGText.line(x1: left, y1: top + plotHeight, x2: width - right, y2: top + plotHeight, color: "#888")
        for (index, bar) in bars.enumerated() {
            let barHeight = plotHeight * bar.value / maximum
            let x = left + Double(index) * slot + slot * 0.15
            let y = top + plotHeight - barHeight
            svg += "<rect x=\"\(SVGText.n(x))\" y=\"\(SVGText.n(y))\" width=\"\(SVGText.n(slot * 0.7))\" height=\"\(SVGText.n(barHeight))\" fill=\"\(color)\"/>"
            svg += SVGText.text(HTMLText.number(bar.value, digits: valueDigits), x: x + slot * 0.35, y: y - 4, anchor: "middle")
            svg += SVGText.text(bar.label, x: x + slot * 0.35, y: top + plotHeight + 16, anchor: "middle")
        }
        return svg + "</svg>"
    }
}

/// SVG fragments shared by the charts.
enum SVGText {
    static func open(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" "
            + "role=\"img\" aria-label=\"\(HTMLText.escape(title))\" font-family=\"sans-serif\" font-size=\"11\">"
            + "<title>\(HTMLText.escape(title))</title>"
    }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double, color: String, dashed: Bool = false) -> String {
        "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(color)\" stroke-width=\"1\"\(dashed ? " stroke-dasharray=\"3 3\"" : "")/>"
    }

    static func text(_ content: String, x: Double, y: Double, anchor: String = "start", color: String = "#333") -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" fill=\"\(color)\">\(HTMLText.escape(content))</text>"
    }

    /// Coordinates with one decimal: small files, no visible loss.
    static func n(_ value: Double) -> String {
        HTMLText.number(value.isFinite ? value : 0, digits: 1)
    }
}
