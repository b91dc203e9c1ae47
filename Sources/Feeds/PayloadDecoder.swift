import Foundation

/// Parses a payload as JSON and names the usual ways it goes wrong (empty body, an HTML page, truncation).
enum PayloadDecoder {
    static func decode(_ data: Data, feed: String, document: String) throws(FeedPayloadError) -> JSONValue {
        guard let first = data.firstIndex(where: { !isWhitespace($0) }) else {
            throw .empty(feed: feed, document: document)
        }
        if data[first] == UInt8(ascii: "<") {
            let excerpt = String(decoding: data[first...].prefix(60), as: UTF8.self)
                .replacingOccurrences(of: "\n", with: " ")
            throw .html(feed: feed, document: document, excerpt: excerpt)
        }
        do {
            return try JSONParser.parse(data)
        } catch {
            throw .notJSON(feed: feed, document: document, detail: "\(error) of \(data.count)")
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
