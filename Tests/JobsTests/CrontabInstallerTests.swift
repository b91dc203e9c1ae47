import Foundation
import Testing
@testable import Jobs

/// `vigie cron install|uninstall` against a fake `crontab` command: the real user's crontab is never touched.
@Suite struct CrontabInstallerTests {
    /// A fake crontab command storing the table in `directory/table`.
    static func fakeCrontab(in directory: String) throws -> String {
        let path = directory + "/fake-crontab"
        let script = """
            #!/bin/sh
            table="\(directory)/table"
            case "$1" in
              -l) if [ -f "$table" ]; then cat "$table"; else echo "no crontab for tester" >&2; exit 1; fi ;;
              -) cat > "$table" ;;
              *) echo "fake-crontab: unexpected $1" >&2; exit 2 ;;
            esac
            """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    @Test func installTwiceLeavesOneBlockAndUninstallKeepsOtherLines() throws {
        let directory = try TestFixtures.temporaryDirectory("crontab")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let installer = CrontabInstaller(projectDirectory: TestFixtures.projectDirectory,
                                         crontabCommand: try Self.fakeCrontab(in: directory))
        let table = directory + "/table"

        // No crontab yet: install creates one with the block only.
        try installer.install()
        var text = try String(contentsOfFile: table, encoding: .utf8)
        #expect(text.components(separatedBy: CrontabInstaller.beginMarker).count == 2)
        #expect(text.contains("\(TestFixtures.projectDirectory)/cron/run-job.sh fetch usgs"))
        #expect(!text.contains(Crontab.projectToken))

        // Someone else's lines, before and after.
        try ("0 4 * * * backup.sh\n" + text + "MAILTO=me\n30 2 * * 0 weekly.sh\n").write(toFile: table, atomically: true, encoding: .utf8)
        try installer.install()
        try installer.install()
        text = try String(contentsOfFile: table, encoding: .utf8)
        #expect(text.components(separatedBy: CrontabInstaller.beginMarker).count == 2, "\(text)")
        #expect(text.components(separatedBy: CrontabInstaller.endMarker).count == 2)
        #expect(text.components(separatedBy: "fetch velib").count == 2)
        #expect(text.hasPrefix("0 4 * * * backup.sh\n"))
        #expect(text.contains("MAILTO=me\n30 2 * * 0 weekly.sh\n"))

        try installer.uninstall()
        text = try String(contentsOfFile: table, encoding: .utf8)
        #expect(text == "0 4 * * * backup.sh\nMAILTO=me\n30 2 * * 0 weekly.sh\n")
        // Uninstalling again changes nothing.
        try installer.uninstall()
        #expect(try String(contentsOfFile: table, encoding: .utf8) == text)
    }

    @Test func aFailingCrontabCommandIsAClearError() throws {
        let installer = CrontabInstaller(projectDirectory: TestFixtures.projectDirectory,
                                         crontabCommand: "vigie-no-such-crontab-command")
        do {
            try installer.install()
            Issue.record("install succeeded without a crontab command")
        } catch {
            #expect(error.message.contains("vigie-no-such-crontab-command"))
        }
    }
}
