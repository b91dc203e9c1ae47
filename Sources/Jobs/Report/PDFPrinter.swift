import Foundation

/// Prints an HTML file to PDF with headless Chromium, when one is installed.
public enum PDFPrinter {
    static let browsers = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// The first Chromium found on PATH.
    public static func findBrowser(path: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") -> String? {
        for name in browsers {
            for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }

    /// Writes the PDF beside the HTML (same name, .pdf) and returns its path.
    public static func print(html: String, timeoutSeconds: Double = 90) throws(JobFailure) -> String {
        guard let browser = findBrowser() else {
            throw JobFailure(.other, "no Chromium found (looked for \(browsers.joined(separator: ", ")) on PATH): "
                + "the HTML report is written; install chromium for --pdf")
        }
        let pdf = (html as NSString).deletingPathExtension + ".pdf"
        let absolute = URL(fileURLWithPath: html).standardizedFileURL
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                             "--print-to-pdf=\(pdf)", absolute.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? FileManager.default.removeItem(atPath: pdf)
        do { try process.run() } catch {
            throw JobFailure(.other, "cannot run \(browser): \(error.localizedDescription)")
        }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning && Date() < deadline { usleep(100_000) }
        if process.isRunning {
            process.terminate()
            throw JobFailure(.other, "\(browser) did not finish printing \(html) within \(Int(timeoutSeconds)) s")
        }
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: pdf) else {
            throw JobFailure(.other, "\(browser) failed to print \(html) (exit \(process.terminationStatus))")
        }
        return pdf
    }
}
