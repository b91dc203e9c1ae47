import CMongoc

extension BSONValue {
    /// Reads the element the iterator is on.
    static func decode(_ iterator: OpaquePointer) -> BSONValue {
        switch bson_iter_type(iterator) {
        case BSON_TYPE_DOUBLE:
            return .double(bson_iter_double(iterator))
        case BSON_TYPE_UTF8, BSON_TYPE_SYMBOL:
            var length: UInt32 = 0
            let pointer = bson_iter_utf8(iterator, &length)
            return .string(string(pointer, Int(length)))
        case BSON_TYPE_DOCUMENT:
            return .document(embedded(iterator, isArray: false))
        case BSON_TYPE_ARRAY:
            return .array(embedded(iterator, isArray: true).pairs.map(\.value))
        case BSON_TYPE_BINARY:
            var subtype = bson_subtype_t(rawValue: 0)
            var length: UInt32 = 0
            var data: UnsafePointer<UInt8>?
            bson_iter_binary(iterator, &subtype, &length, &data)
            return .binary(subtype: UInt8(subtype.rawValue),
                           data: data.map { Array(UnsafeBufferPointer(start: $0, count: Int(length))) } ?? [])
        case BSON_TYPE_UNDEFINED:
            return .undefined
        case BSON_TYPE_NULL:
            return .null
        case BSON_TYPE_OID:
            return .objectId(ObjectId(bson_iter_oid(iterator).pointee))
        case BSON_TYPE_BOOL:
            return .bool(bson_iter_bool(iterator))
        case BSON_TYPE_DATE_TIME:
            return .datetime(bson_iter_date_time(iterator))
        case BSON_TYPE_REGEX:
            var options: UnsafePointer<CChar>?
            let pattern = bson_iter_regex(iterator, &options)
            return .regex(pattern: pattern.map { String(cString: $0) } ?? "",
                          options: options.map { String(cString: $0) } ?? "")
        case BSON_TYPE_CODE, BSON_TYPE_CODEWSCOPE:
            var length: UInt32 = 0
            let code = bson_iter_type(iterator) == BSON_TYPE_CODE
                ? bson_iter_code(iterator, &length)
                : bson_iter_codewscope(iterator, &length, nil, nil)
            return .javascript(string(code, Int(length)))
        case BSON_TYPE_INT32:
            return .int32(bson_iter_int32(iterator))
        case BSON_TYPE_TIMESTAMP:
            var seconds: UInt32 = 0
            var increment: UInt32 = 0
            bson_iter_timestamp(iterator, &seconds, &increment)
            return .timestamp(seconds: seconds, increment: increment)
        case BSON_TYPE_INT64:
            return .int64(bson_iter_int64(iterator))
        case BSON_TYPE_DECIMAL128:
            var value = bson_decimal128_t()
            bson_iter_decimal128(iterator, &value)
            return .decimal128(Decimal128(low: value.low, high: value.high))
        case BSON_TYPE_MINKEY:
            return .minKey
        case BSON_TYPE_MAXKEY:
            return .maxKey
        default:
            // DBPointer is deprecated and never produced by Vigie or current drivers.
            return .undefined
        }
    }

    private static func string(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> String {
        guard let pointer else { return "" }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    private static func embedded(_ iterator: OpaquePointer, isArray: Bool) -> Document {
        var length: UInt32 = 0
        var data: UnsafePointer<UInt8>?
        if isArray { bson_iter_array(iterator, &length, &data) } else { bson_iter_document(iterator, &length, &data) }
        guard let data, let pointer = bson_new_from_data(data, Int(length)) else { return Document() }
        return Document(taking: pointer)
    }

    /// Appends this value under `key` to a `bson_t` being built.
    func append(to target: OpaquePointer, key: String) {
        let keyLength = Int32(key.utf8.count)
        switch self {
        case .double(let value):
            bson_append_double(target, key, keyLength, value)
        case .string(let value):
            // Explicit length: a string may contain NUL bytes.
            var copy = value
            copy.withUTF8 { buffer in
                buffer.withMemoryRebound(to: CChar.self) { text in
                    if let base = text.baseAddress {
                        _ = bson_append_utf8(target, key, keyLength, base, Int32(text.count))
                    } else {
                        _ = bson_append_utf8(target, key, keyLength, "", 0)
                    }
                }
            }
        case .document(let document):
            bson_append_document(target, key, keyLength, document.storage.pointer)
        case .array(let elements):
            var array = Document()
            for (index, element) in elements.enumerated() { array.append(String(index), element) }
            bson_append_array(target, key, keyLength, array.storage.pointer)
        case .binary(let subtype, let data):
            data.withUnsafeBufferPointer {
                _ = bson_append_binary(target, key, keyLength, bson_subtype_t(rawValue: UInt32(subtype)),
                                       $0.baseAddress, UInt32($0.count))
            }
        case .undefined:
            bson_append_undefined(target, key, keyLength)
        case .objectId(let id):
            var oid = id.raw
            bson_append_oid(target, key, keyLength, &oid)
        case .bool(let value):
            bson_append_bool(target, key, keyLength, value)
        case .datetime(let milliseconds):
            bson_append_date_time(target, key, keyLength, milliseconds)
        case .null:
            bson_append_null(target, key, keyLength)
        case .regex(let pattern, let options):
            bson_append_regex(target, key, keyLength, pattern, options)
        case .javascript(let code):
            bson_append_code(target, key, keyLength, code)
        case .int32(let value):
            bson_append_int32(target, key, keyLength, value)
        case .timestamp(let seconds, let increment):
            bson_append_timestamp(target, key, keyLength, seconds, increment)
        case .int64(let value):
            bson_append_int64(target, key, keyLength, value)
        case .decimal128(let value):
            var raw = bson_decimal128_t(low: value.low, high: value.high)
            bson_append_decimal128(target, key, keyLength, &raw)
        case .minKey:
            bson_append_minkey(target, key, keyLength)
        case .maxKey:
            bson_append_maxkey(target, key, keyLength)
        }
    }
}
