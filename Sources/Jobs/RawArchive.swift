import Foundation

/// The raw payload archive, `HOME/raw/FEED/YYYY-MM-DD/HHMMSSZ.json`: every payload is kept as received,
/// written atomically (temporary file, fsync, rename) so a crash never leaves half a file under a final name.
public struct RawArchive: Sendable {
    /// `HOME/raw`.
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// Writes the payloads of one run. The primary document is `HHMMSSZ.json`; others (Vélib's
    /// station information) are `HHMMSSZ.NAME.json` beside it. Returns the paths by document name.
    public func store(feed: String, at date: Date, primary: String, payloads: [String: Data]) throws(JobFailure) -> [String: String] {
        let (day, time) = Self.stamp(date)
        let directory = "\(root)/\(feed)/\(day)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw JobFailure(.other, "feed \(feed): cannot create the raw archive directory \(directory): \(error.localizedDescription)")
        }
        // Two runs in the same second (tests, a manual run during a cron run) get distinct names.
        var base = time
        var suffix = 1
        while FileManager.default.fileExists(atPath: "\(directory)/\(base).json") {
            base = "\(time)-\(suffix)"
            suffix += 1
        }
        var paths: [String: String] = [:]
        for name in payloads.keys.sorted(by: { a, _ in a == primary }) {
            let file = name == primary ? "\(base).json" : "\(base).\(name).json"
            let path = "\(directory)/\(file)"
            try Self.writeAtomically(payloads[name]!, to: path, feed: feed)
            paths[name] = path
        }
        return paths
    }

    /// ("YYYY-MM-DD", "HHMMSSZ") in UTC.
    public static func stamp(_ date: Date) -> (String, String) {
        let iso = ISOText.format(date)
        let day = String(iso.prefix(10))
        let time = iso.dropFirst(11).prefix(8).replacingOccurrences(of: ":", with: "") + "Z"
        return (day, time)
    }

    /// The UTC time a raw file name encodes (`YYYY-MM-DD/HHMMSSZ[-n][.name].json`), nil for other names.
    public static func date(ofRawFile path: String) -> Date? {
        let components = path.split(separator: "/")
        guard components.count >= 2 else { return nil }
        let day = String(components[components.count - 2])
        let file = components[components.count - 1]
        guard file.count >= 7 else { return nil }
        let time = file.prefix(7)
        guard time.last == "Z", time.dropLast().allSatisfy(\.isNumber) else { return nil }
        let digits = Array(time.dropLast())
        let text = "\(day)T\(String(digits[0..<2])):\(String(digits[2..<4])):\(String(digits[4..<6]))Z"
        return ISOText.parse(text)
    }

    /// Temporary file in the same directory, fsync, rename over the final name, fsync the directory.
    static func writeAtomically(_ data: Data, to path: String, feed: String) throws(JobFailure) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = "\(directory)/.\((path as NSString).lastPathComponent).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw JobFailure(.other, "feed \(feed): cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        var failure: String?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw JobFailure(.other, "feed \(feed): cannot write the raw payload \(path): \(failure)")
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
