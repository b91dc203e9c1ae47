import BSON
import Foundation

/// The four sections of the daily report, each from one feed's readings of the day.
struct ReportSections {
    let start: Date
    let end: Date

    static let noData = "<p class=\"empty\">No data for this day.</p>"

    func earthquakes(_ readings: [Document]) -> String {
        var html = "<section id=\"earthquakes\"><h2>Earthquakes (USGS)</h2>"
        let events = readings.compactMap { reading -> (mag: Double, reading: Document)? in
            reading.value(at: "values.mag")?.doubleValue.map { ($0, reading) }
        }
        guard !events.isEmpty else { return html + Self.noData + "</section>" }
        let bins: [(String, (Double) -> Bool)] = [
            ("< 1", { $0 < 1 }), ("1–2", { $0 >= 1 && $0 < 2 }), ("2–3", { $0 >= 2 && $0 < 3 }), ("3–4", { $0 >= 3 && $0 < 4 }),
            ("4–5", { $0 >= 4 && $0 < 5 }), ("5–6", { $0 >= 5 && $0 < 6 }), ("≥ 6", { $0 >= 6 }),
        ]
        let counts = bins.map { bin in (label: bin.0, value: Double(events.filter { bin.1($0.mag) }.count)) }
        html += "<p><strong>\(events.count)</strong> events; strongest magnitude <strong>\(HTMLText.number(events.map(\.mag).max()!))</strong>.</p>"
        html += "<figure>" + SVGBarChart(title: "Earthquakes by magnitude", bars: counts).render()
            + "<figcaption>Earthquakes by magnitude</figcaption></figure>"
        html += "<h3>Strongest</h3><table><thead><tr><th>Time (UTC)</th><th>Magnitude</th><th>Depth (km)</th><th>Place</th></tr></thead><tbody>"
        for event in events.sorted(by: { $0.mag > $1.mag }).prefix(10) {
            let at = event.reading["at"]?.datetimeValue.map { HTMLText.time(ISOText.date(milliseconds: $0)) } ?? ""
            let depth = event.reading.value(at: "values.depth")?.doubleValue.map { HTMLText.number($0) } ?? ""
            let place = event.reading.value(at: "tags.place")?.stringValue ?? event.reading["key"]?.stringValue ?? ""
            let type = event.reading.value(at: "tags.magType")?.stringValue.map { " " + $0 } ?? ""
            html += "<tr><td>\(at)</td><td>\(HTMLText.number(event.mag))\(HTMLText.escape(type))</td><td>\(depth)</td><td>\(HTMLText.escape(place))</td></tr>"
        }
        return html + "</tbody></table></section>"
    }

    func weather(_ readings: [Document]) -> String {
        var html = "<section id=\"weather\"><h2>Weather (Open-Meteo)</h2>"
        let byPlace = Dictionary(grouping: readings) { $0["key"]?.stringValue ?? "?" }
        guard !byPlace.isEmpty else { return html + Self.noData + "</section>" }
        let places = byPlace.keys.sorted()
        for (field, title, unit) in [("temperature", "Temperature", "°C"), ("wind", "Wind speed", "km/h")] {
            let series = places.map { SVGLineChart.Series(name: $0, points: Self.points(byPlace[$0]!, field)) }.filter { !$0.points.isEmpty }
            guard !series.isEmpty else { continue }
            html += "<figure>" + SVGLineChart(title: "\(title) per place", unit: unit, series: series, start: start, end: end).render()
                + "<figcaption>\(title) per place (\(unit))</figcaption></figure>"
        }
        html += "<table><thead><tr><th>Place</th><th>Readings</th><th>Temperature min / avg / max (°C)</th><th>Wind max (km/h)</th></tr></thead><tbody>"
        for place in places {
            let temperatures = Self.points(byPlace[place]!, "temperature").map(\.value)
            let winds = Self.points(byPlace[place]!, "wind").map(\.value)
            let temperature = temperatures.isEmpty ? "" : "\(HTMLText.number(temperatures.min()!)) / \(HTMLText.number(Self.mean(temperatures))) / \(HTMLText.number(temperatures.max()!))"
            html += "<tr><td>\(HTMLText.escape(place))</td><td>\(byPlace[place]!.count)</td><td>\(temperature)</td>"
                + "<td>\(winds.max().map { HTMLText.number($0) } ?? "")</td></tr>"
        }
        return html + "</tbody></table></section>"
    }

    func velib(_ readings: [Document]) -> String {
        var html = "<section id=\"velib\"><h2>Vélib' availability</h2>"
        let network = readings.filter { $0["key"]?.stringValue == "_network" }
        guard !network.isEmpty else { return html + Self.noData + "</section>" }
        let fields = [("bikes", "Bikes"), ("mechanical", "Mechanical"), ("ebikes", "E-bikes"), ("docks", "Free docks")]
        let series = fields.map { SVGLineChart.Series(name: $0.1, points: Self.points(network, $0.0)) }.filter { !$0.points.isEmpty }
        html += "<figure>" + SVGLineChart(title: "Vélib' availability through the day", unit: "count", series: series, start: start, end: end).render()
            + "<figcaption>Network-wide bikes and free docks</figcaption></figure>"
        html += "<table><thead><tr><th>Value</th><th>Min</th><th>Average</th><th>Max</th></tr></thead><tbody>"
        for (field, title) in fields + [("stationsInService", "Stations in service")] {
            let values = Self.points(network, field).map(\.value)
            guard !values.isEmpty else { continue }
            html += "<tr><td>\(title)</td><td>\(HTMLText.grouped(values.min()!))</td><td>\(HTMLText.grouped(Self.mean(values)))</td><td>\(HTMLText.grouped(values.max()!))</td></tr>"
        }
        return html + "</tbody></table><p>\(network.count) network readings.</p></section>"
    }

    static let productionSources = [("nucleaire", "Nuclear"), ("eolien", "Wind"), ("solaire", "Solar"), ("hydraulique", "Hydro"),
                                    ("gaz", "Gas"), ("charbon", "Coal"), ("fioul", "Oil"), ("bioenergies", "Bioenergy")]

    func electricity(_ readings: [Document]) -> String {
        var html = "<section id=\"electricity\"><h2>Electricity in France (RTE éCO2mix)</h2>"
        guard !readings.isEmpty else { return html + Self.noData + "</section>" }
        let consumption = Self.points(readings, "consommation")
        if !consumption.isEmpty {
            let values = consumption.map(\.value)
            html += "<p>Consumption: min <strong>\(HTMLText.grouped(values.min()!))</strong> MW, average <strong>\(HTMLText.grouped(Self.mean(values)))</strong> MW, "
                + "max <strong>\(HTMLText.grouped(values.max()!))</strong> MW (\(values.count) quarter-hours).</p>"
            var series = [SVGLineChart.Series(name: "Consumption", points: consumption)]
            let forecast = Self.points(readings, "prevision_j")
            if !forecast.isEmpty { series.append(SVGLineChart.Series(name: "Forecast (D)", points: forecast)) }
            html += "<figure>" + SVGLineChart(title: "Electricity consumption", unit: "MW", series: series, start: start, end: end).render()
                + "<figcaption>Consumption (MW)</figcaption></figure>"
        }
        let averages = Self.productionSources.compactMap { source -> (label: String, value: Double)? in
            let values = Self.points(readings, source.0).map(\.value)
            return values.isEmpty ? nil : (source.1, Self.mean(values))
        }
        if !averages.isEmpty {
            let total = averages.map { max($0.value, 0) }.reduce(0, +)
            html += "<figure>" + SVGBarChart(title: "Average production by source (MW)", bars: averages, color: "#2f855a").render()
                + "<figcaption>Production mix: average MW by source</figcaption></figure>"
            html += "<table><thead><tr><th>Source</th><th>Average (MW)</th><th>Share</th></tr></thead><tbody>"
            for average in averages {
                let share = total > 0 ? max(average.value, 0) / total * 100 : 0
                html += "<tr><td>\(average.label)</td><td>\(HTMLText.grouped(average.value))</td><td>\(HTMLText.number(share))\u{202F}%</td></tr>"
            }
            html += "</tbody></table>"
        }
        return html + "</section>"
    }

    static func points(_ readings: [Document], _ field: String) -> [(at: Date, value: Double)] {
        readings.compactMap { reading in
            guard let at = reading["at"]?.datetimeValue, let value = reading.value(at: "values.\(field)")?.doubleValue else { return nil }
            return (ISOText.date(milliseconds: at), value)
        }.sorted { $0.at < $1.at }
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
