import BSON

/// A change-stream position: the cluster time of an oplog entry, and whether it is the invalidate that
/// follows it. Drivers see it only as `{_data: "<hex>"}`.
struct ResumeToken: Equatable {
    let timestamp: Int64
    let isInvalidate: Bool

    var document: Document {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        let raw = UInt64(bitPattern: timestamp)
        for shift in stride(from: 60, through: 0, by: -4) { text.append(digits[Int(raw >> UInt64(shift) & 0xF)]) }
        text.append(contentsOf: isInvalidate ? Array("01".utf8) : Array("00".utf8))
        return ["_data": .string(String(decoding: text, as: UTF8.self))]
    }

    init(timestamp: Int64, isInvalidate: Bool = false) {
        self.timestamp = timestamp
        self.isInvalidate = isInvalidate
    }

    /// Parses a token this store issued; anything else is InvalidResumeToken (260).
    init(_ value: BSONValue?) throws {
        guard case .document(let document)? = value, case .string(let data)? = document["_data"],
              data.utf8.count == 18, let raw = UInt64(data.prefix(16), radix: 16) else {
            throw CommandError.invalidResumeToken("resume token was not issued by this store: \(value.map { "\($0)" } ?? "missing")")
        }
        switch data.suffix(2) {
        case "00": isInvalidate = false
        case "01": isInvalidate = true
        default: throw CommandError.invalidResumeToken("resume token has an unknown kind: \(data)")
        }
        timestamp = Int64(bitPattern: raw)
    }
}
