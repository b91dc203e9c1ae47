import BSON
import Foundation
import Mongo

/// `vigie report [--day YYYY-MM-DD] [--out DIR] [--pdf]`: a self-contained HTML page (inline CSS and SVG, no
/// external assets) of one UTC day: earthquakes, weather, Vélib' availability, electricity.
public struct DailyReport: Sendable {
    public var settings: JobSettings
    public var database: JobDatabase
    public var log: JobLog

    public init(settings: JobSettings, log: JobLog = JobLog(), database: JobDatabase? = nil) {
        self.settings = settings
        self.log = log
        self.database = database ?? JobDatabase(settings: settings)
    }

    /// The UTC day before `now`, the default of the daily cron run.
    public static func yesterday(now: Date = Date()) -> String {
        String(ISOText.format(now.addingTimeInterval(-86_400)).prefix(10))
    }

    /// Midnight UTC of "YYYY-MM-DD", nil when the text is not a date.
    public static func dayStart(_ day: String) -> Date? {
        guard day.count == 10, let milliseconds = ISODate.parse(day) else { return nil }
        return ISOText.date(milliseconds: milliseconds)
    }

    /// Writes `DIR/DAY.html` (DIR defaults to HOME/reports) and returns its path.
    public func write(day: String, outputDirectory: String? = nil) throws(JobFailure) -> String {
        let html = try render(day: day)
        let directory = outputDirectory ?? settings.path("reports")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw JobFailure(.other, "cannot create \(directory): \(error.localizedDescription)")
        }
        let path = "\(directory)/\(day).html"
        try RawArchive.writeAtomically(Data(html.utf8), to: path, feed: "report")
        log.event("report", ["day": day, "path": path, "bytes": html.utf8.count])
        return path
    }

    public func render(day: String) throws(JobFailure) -> String {
        guard let start = Self.dayStart(day) else {
            throw JobFailure(.usage, "--day must be a date YYYY-MM-DD, not '\(day)'")
        }
        let end = start.addingTimeInterval(86_400)
        let store = try database.store()
        func readings(_ feed: String, key: String? = nil) throws(JobFailure) -> [Document] {
            var filter: Document = ["feed": .string(feed), "at": ["$gte": ISOText.bson(start), "$lt": ISOText.bson(end)]]
            if let key { filter["key"] = .string(key) }
            do {
                return try store.readings.find(filter, options: FindOptions(sort: ["at": 1])).toArray()
            } catch {
                throw JobDatabase.failure(error, doing: "reading the \(feed) readings of \(day)")
            }
        }
        let sections = ReportSections(start: start, end: end)
        let body = sections.earthquakes(try readings("usgs"))
            + sections.weather(try readings("openmeteo"))
            + sections.velib(try readings("velib", key: "_network"))
            + sections.electricity(try readings("eco2mix"))
        return Self.page(day: day, body: body)
    }

    static func page(day: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>Vigie daily report \(day)</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:720px;margin:2em auto;padding:0 1em;color:#222}
        h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
        table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border-bottom:1px solid #e2e2e2;padding:.25em .5em;text-align:left}
        figure{margin:1em 0}figcaption{font-size:.85em;color:#555}.empty{color:#888;font-style:italic}
        footer{margin-top:3em;font-size:.8em;color:#666}@media print{section{break-inside:avoid-page}}
        </style></head><body>
        <h1>Vigie daily report — \(day) (UTC)</h1>
        \(body)
        <footer>Sources: U.S. Geological Survey (public domain); weather data by Open-Meteo.com (CC BY 4.0);
        Vélib' Métropole open data; RTE éCO2mix via ODRÉ (Licence Ouverte / Etalab 2.0).</footer>
        </body></html>

        """
    }
}
