#if canImport(Glibc)
import Glibc
#endif

/// Writes one line to stderr (file descriptor 2, unbuffered), so it is never lost on exit.
func standardError(_ line: String) {
    let text = line.hasSuffix("\n") ? line : line + "\n"
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
        if written <= 0 { return }
        offset += written
    }
}
