import BSON

/// Measures how deeply a raw BSON document nests, without recursion, before anything decodes it: a valid but
/// absurdly deep document would otherwise exhaust a thread's stack in recursive decoders.
enum NestingDepth {
    /// MongoDB refuses documents nested deeper than 100 levels; commands wrap user documents a few levels more.
    static let limit = 150

    /// True when `bytes[start..<end]` (one document) nests beyond `limit`. Malformed input returns false and is
    /// left to the validating decoder to refuse.
    static func exceedsLimit(_ bytes: ArraySlice<UInt8>, start: Int, end: Int) -> Bool {
        var ends = [end]
        var position = start + 4
        func int32(_ at: Int) -> Int? {
            guard at >= bytes.startIndex, at + 4 <= end else { return nil }
            return Int(Int32(bitPattern: UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24))
        }
        while let current = ends.last {
            guard position < current else { return false }
            let type = bytes[position]
            if type == 0 {
                ends.removeLast()
                position += 1
                continue
            }
            position += 1
            while position < current, bytes[position] != 0 { position += 1 }
            position += 1
            guard position <= current else { return false }
            var size: Int
            switch type {
            case 0x01, 0x09, 0x11, 0x12: size = 8
            case 0x02, 0x0D, 0x0E:
                guard let length = int32(position) else { return false }
                size = 4 + length
            case 0x03, 0x04:
                guard let length = int32(position), length >= 5, position + length <= current else { return false }
                ends.append(position + length)
                if ends.count > limit + 1 { return true }
                position += 4
                continue
            case 0x05:
                guard let length = int32(position) else { return false }
                size = 5 + length
            case 0x06, 0x0A, 0x7F, 0xFF: size = 0
            case 0x07: size = 12
            case 0x08: size = 1
            case 0x0B:
                var cursor = position
                for _ in 0..<2 {
                    while cursor < current, bytes[cursor] != 0 { cursor += 1 }
                    cursor += 1
                }
                size = cursor - position
            case 0x0C:
                guard let length = int32(position) else { return false }
                size = 4 + length + 12
            case 0x0F:
                guard let length = int32(position) else { return false }
                size = length
            case 0x10: size = 4
            case 0x13: size = 16
            default: return false
            }
            guard size >= 0 else { return false }
            position += size
        }
        return false
    }
}

extension NestingDepth {
    /// Refuses a document about to be stored when it nests too deeply (an update can deepen a document).
    static func check(_ document: Document) throws {
        // Each level costs at least 7 bytes (see NestingLimit): a smaller document cannot exceed the limit.
        if document.byteCount < 5 + 7 * (limit + 1) { return }
        let bytes = document.bytes
        if exceedsLimit(bytes[...], start: 0, end: bytes.count) {
            throw CommandError(code: 15, codeName: "Overflow", message: "document nests deeper than \(limit) levels")
        }
    }

    /// Refuses an update whose field paths are longer than any storable document could be deep.
    static func checkPaths(_ update: BSONValue) throws {
        guard case .document(let document) = update else { return }
        // A path deeper than the limit has that many dots: an update with fewer dot bytes anywhere cannot hold
        // one, and is cleared without decoding it.
        if document.bytes.lazy.filter({ $0 == 0x2E }).count < limit { return }
        for (name, argument) in document.pairs where name.hasPrefix("$") {
            guard case .document(let fields) = argument else { continue }
            for key in fields.keys where key.utf8.lazy.filter({ $0 == 0x2E }).count >= limit {
                throw CommandError(code: 15, codeName: "Overflow", message: "update path '\(key.prefix(40))...' is deeper than \(limit) levels")
            }
        }
    }
}
