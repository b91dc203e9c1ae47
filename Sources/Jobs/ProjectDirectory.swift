import Foundation

/// Finds the project directory (the one holding cron/vigie.crontab): VIGIE_PROJECT, else the working
/// directory or one of its parents, else a parent of the executable (.build/<triple>/debug/vigie).
public enum ProjectDirectory {
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit = environment["VIGIE_PROJECT"], !explicit.isEmpty { return explicit }
        var starts = [FileManager.default.currentDirectoryPath]
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append((executable as NSString).deletingLastPathComponent)
        }
        for start in starts {
            var directory = start
            while !directory.isEmpty {
                if FileManager.default.fileExists(atPath: "\(directory)/cron/vigie.crontab") { return directory }
                if directory == "/" { break }
                directory = (directory as NSString).deletingLastPathComponent
            }
        }
        return nil
    }
}
