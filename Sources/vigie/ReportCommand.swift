import Jobs

/// `vigie report [--day YYYY-MM-DD] [--out DIR] [--pdf]`: the daily report.
enum ReportCommand: Command {
    static let name = "report"
    static let summary = "the daily HTML report (and PDF with Chromium)"
    static let help = """
    usage: vigie report [--day YYYY-MM-DD] [--out DIR] [--pdf]

    Writes a self-contained HTML page (inline SVG charts and tables, no external assets) of one UTC day:
    earthquakes by magnitude and the strongest, temperature and wind per place, Vélib' availability through
    the day, electricity consumption and production mix.
      --day   the day (default: yesterday, UTC)
      --out   the directory (default: $VIGIE_HOME/reports); the file is DAY.html
      --pdf   also print DAY.pdf with headless Chromium; without Chromium the HTML is kept and the
              command fails with a clear message (exit 1)
    Prints the path(s) written. Exit codes: 0 ok, 1 PDF failed, 2 usage, 5 database.
    """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let day = try arguments.option("--day") ?? DailyReport.yesterday()
        let output = try arguments.option("--out")
        let pdf = arguments.flag("--pdf")
        try arguments.finish()
        guard DailyReport.dayStart(day) != nil else {
            throw CLIError.usage("vigie report: --day must be a date YYYY-MM-DD, not '\(day)'")
        }
        let report = DailyReport(settings: try JobCommandSupport.settings())
        let path: String
        do {
            path = try report.write(day: day, outputDirectory: output)
        } catch {
            throw JobCommandSupport.fail("report", error)
        }
        print(path)
        if pdf {
            do {
                print(try PDFPrinter.print(html: path))
            } catch {
                throw JobCommandSupport.fail("report --pdf", error)
            }
        }
        return .ok
    }
}
