import CMongoc

/// The two MongoDB Extended JSON v2 output modes.
public enum ExtendedJSONMode: Sendable {
    /// Type-preserving: every number and date wrapped (`{"$numberInt": "1"}`).
    case canonical
    /// Readable: native JSON numbers where lossless, ISO dates.
    case relaxed
}

extension Document {
    /// Parses JSON or MongoDB Extended JSON (relaxed or canonical) text; errors name the position.
    public init(json: String) throws {
        var error = bson_error_t()
        let utf8 = Array(json.utf8)
        guard let pointer = utf8.withUnsafeBufferPointer({ bson_new_from_json($0.baseAddress, $0.count, &error) }) else {
            throw BSONError.invalidJSON(errorMessage(error))
        }
        storage = Storage(pointer)
    }

    /// This document as Extended JSON text.
    public func extendedJSON(_ mode: ExtendedJSONMode = .relaxed) -> String {
        var length = 0
        let text: UnsafeMutablePointer<CChar>? = switch mode {
        case .canonical: bson_as_canonical_extended_json(storage.pointer, &length)
        case .relaxed: bson_as_relaxed_extended_json(storage.pointer, &length)
        }
        guard let text else { return "{}" }
        defer { bson_free(text) }
        return String(cString: text)
    }
}
