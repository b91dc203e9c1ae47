import Foundation
import Testing
@testable import Jobs

@Suite(.serialized) struct ReportTests {
    @Test func reportOfARecordedDayHasItsSectionsAndNumbers() throws {
        let settings = try TestStore.settings()
        defer { TestStore.cleanUp(settings) }
        try RollupTests.replay(settings, "usgs", "usgs/all_day_2022-09-29.geojson")
        try RollupTests.replay(settings, "eco2mix", "eco2mix/eco2mix_national_tr_results_2025-08-22.json")
        let report = DailyReport(settings: settings, log: JobLog(sink: { _ in }))

        // USGS day 2022-09-28: event count and the strongest, computed from the payload.
        let path = try report.write(day: "2022-09-28")
        #expect(path == settings.home + "/reports/2022-09-28.html")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        let day = try RecordedDay.usgsFeatures().filter {
            $0.at >= RecordedDay.utc("2022-09-28T00:00:00Z") && $0.at < RecordedDay.utc("2022-09-29T00:00:00Z") && $0.mag != nil
        }
        let strongest = try #require(day.max { $0.mag! < $1.mag! })
        for section in ["id=\"earthquakes\"", "id=\"weather\"", "id=\"velib\"", "id=\"electricity\""] {
            #expect(html.contains(section), "missing \(section)")
        }
        #expect(html.contains("<strong>\(day.count)</strong> events"))
        #expect(html.contains("strongest magnitude <strong>\(HTMLText.number(strongest.mag!))</strong>"))
        #expect(html.contains(HTMLText.escape(strongest.place ?? "?")))
        #expect(html.contains("<svg"))
        #expect(html.components(separatedBy: "No data for this day.").count == 4, "weather, velib, electricity are empty that day")
        // Self-contained: no scripts, stylesheets or images fetched from elsewhere.
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src="))

        // éCO2mix day 2025-08-22: consumption figures computed from the payload.
        let electricity = try report.render(day: "2025-08-22")
        let consumption = try RecordedDay.eco2mixRecords().compactMap { $0.values["consommation"] }
        #expect(electricity.contains("min <strong>\(HTMLText.grouped(consumption.min()!))</strong> MW"))
        #expect(electricity.contains("max <strong>\(HTMLText.grouped(consumption.max()!))</strong> MW"))
        #expect(electricity.contains("average <strong>\(HTMLText.grouped(consumption.reduce(0, +) / Double(consumption.count)))</strong> MW"))
        #expect(electricity.contains("(96 quarter-hours)"))
        #expect(electricity.contains("Production mix"))
        #expect(electricity.contains("Nuclear"))
    }

    @Test func aBadDayIsAUsageError() throws {
        let report = DailyReport(settings: JobSettings(mongoURI: "mongodb://127.0.0.1:1/"), log: JobLog(sink: { _ in }))
        #expect(throws: JobFailure.self) { try report.render(day: "2025-13-40") }
        #expect(DailyReport.dayStart("yesterday") == nil)
        #expect(DailyReport.yesterday(now: RecordedDay.utc("2026-01-01T00:30:00Z")) == "2025-12-31")
    }

    @Test func pdfWithHeadlessChromium() throws {
        let directory = try TestFixtures.temporaryDirectory("pdf")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let html = directory + "/2025-08-22.html"
        try DailyReport.page(day: "2025-08-22", body: "<section><h2>Test</h2><p>PDF</p></section>")
            .write(toFile: html, atomically: true, encoding: .utf8)
        guard PDFPrinter.findBrowser() != nil else {
            Issue.record("no Chromium on PATH: install chromium (it is in the Makefile's DEB_PACKAGES) to test --pdf")
            return
        }
        let pdf = try PDFPrinter.print(html: html)
        #expect(pdf == directory + "/2025-08-22.pdf")
        let bytes = try #require(FileManager.default.contents(atPath: pdf))
        #expect(bytes.starts(with: Data("%PDF".utf8)))
    }
}
