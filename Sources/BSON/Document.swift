import CMongoc

/// An ordered BSON document that owns a libbson `bson_t`; a value type (copy-on-write).
public struct Document: Sendable {
    /// The owner of one `bson_t`; shared between copies until one of them mutates.
    final class Storage: @unchecked Sendable {
        // Immutable once shared: mutation happens only through `Document.mutate` on a unique reference.
        let pointer: OpaquePointer

        init(_ pointer: OpaquePointer) { self.pointer = pointer }

        deinit { bson_destroy(pointer) }
    }

    var storage: Storage

    /// An empty document.
    public init() {
        storage = Storage(bson_new())
    }

    /// A document with these fields, in this order.
    public init(_ pairs: [(String, BSONValue)]) {
        self.init()
        for (key, value) in pairs { append(key, value) }
    }

    /// Copies and validates raw BSON bytes (structure and UTF-8).
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 5 else { throw BSONError.invalidBSON("\(bytes.count) bytes is shorter than any document") }
        let declared = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        guard declared == bytes.count else {
            throw BSONError.invalidBSON("length field says \(declared) bytes but \(bytes.count) were given")
        }
        guard let pointer = bytes.withUnsafeBufferPointer({ bson_new_from_data($0.baseAddress, $0.count) }) else {
            throw BSONError.invalidBSON("libbson rejected the document header")
        }
        var error = bson_error_t()
        guard bson_validate_with_error(pointer, bson_validate_flags_t(BSON_VALIDATE_UTF8.rawValue | BSON_VALIDATE_UTF8_ALLOW_NULL.rawValue), &error) else {
            bson_destroy(pointer)
            throw BSONError.invalidBSON(errorMessage(error))
        }
        storage = Storage(pointer)
    }

    /// Copies a `bson_t` that someone else owns (e.g. a libmongoc cursor's current document).
    public init(copying pointer: OpaquePointer) {
        storage = Storage(bson_copy(pointer))
    }

    /// Takes ownership of a heap `bson_t` (made by `bson_new` or `bson_copy`).
    public init(taking pointer: OpaquePointer) {
        storage = Storage(pointer)
    }

    /// Lends the underlying `bson_t` to a C call; do not keep the pointer.
    public func withBSONPointer<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        try body(storage.pointer)
    }

    /// The raw BSON bytes.
    public var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: bson_get_data(storage.pointer), count: byteCount))
    }

    /// Number of top-level fields.
    public var count: Int { Int(bson_count_keys(storage.pointer)) }

    public var isEmpty: Bool { byteCount <= 5 }

    /// Length of the encoded document in bytes.
    public var byteCount: Int {
        // bson_t begins with `uint32_t flags; uint32_t len;` (bson-types.h), and Swift sees it as opaque.
        Int(UnsafeRawPointer(storage.pointer).load(fromByteOffset: 4, as: UInt32.self))
    }

    /// Top-level field names, in order.
    public var keys: [String] { pairs.map(\.key) }

    /// Top-level fields, in order.
    public var pairs: [(key: String, value: BSONValue)] {
        withIterator { iterator in
            guard bson_iter_init(iterator, storage.pointer) else { return [] }
            var result = [(key: String, value: BSONValue)]()
            while bson_iter_next(iterator) {
                result.append((String(cString: bson_iter_key(iterator)), BSONValue.decode(iterator)))
            }
            return result
        }
    }

    public func contains(_ key: String) -> Bool {
        bson_has_field(storage.pointer, key)
    }

    /// A top-level field; setting `nil` removes it, setting an existing key replaces it in place.
    public subscript(key: String) -> BSONValue? {
        get {
            withIterator { iterator in
                guard bson_iter_init_find(iterator, storage.pointer, key) else { return nil }
                return BSONValue.decode(iterator)
            }
        }
        set {
            if newValue == nil, !contains(key) { return }
            if let newValue, !contains(key) {
                append(key, newValue)
                return
            }
            var rebuilt = Document()
            for (name, value) in pairs {
                if name == key {
                    if let newValue { rebuilt.append(name, newValue) }
                } else {
                    rebuilt.append(name, value)
                }
            }
            self = rebuilt
        }
    }

    /// The value at a dotted path ("values.mag", "results.0.x"); array elements by index.
    public func value(at path: String) -> BSONValue? {
        var current = BSONValue.document(self)
        for component in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .document(let document):
                guard let next = document[String(component)] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(component), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Adds a field at the end (BSON allows duplicate keys; use the subscript to replace).
    public mutating func append(_ key: String, _ value: BSONValue) {
        if !isKnownUniquelyReferenced(&storage) {
            storage = Storage(bson_copy(storage.pointer))
        }
        value.append(to: storage.pointer, key: key)
    }

    /// A copy with `key` set to `value` (replaced in place when present).
    public func setting(_ key: String, _ value: BSONValue) -> Document {
        var copy = self
        copy[key] = value
        return copy
    }
}

extension Document: Equatable, Hashable {
    /// Byte equality, as MongoDB compares documents (field order matters).
    public static func == (lhs: Document, rhs: Document) -> Bool {
        lhs.storage === rhs.storage || bson_equal(lhs.storage.pointer, rhs.storage.pointer)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes)
    }
}

extension Document: Sequence {
    public func makeIterator() -> IndexingIterator<[(key: String, value: BSONValue)]> {
        pairs.makeIterator()
    }
}

extension Document: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, BSONValue)...) {
        self.init(elements)
    }
}

extension Document: CustomStringConvertible {
    public var description: String { extendedJSON(.relaxed) }
}

/// The text of a libbson/libmongoc error (a fixed-size C char array that Swift sees as a tuple).
public func errorMessage(_ error: bson_error_t) -> String {
    withUnsafeBytes(of: error.message) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}

/// Runs `body` with a `bson_iter_t` in memory aligned as libbson declares it (128 bytes), which Swift cannot
/// express for a stack variable.
func withIterator<T>(_ body: (OpaquePointer) -> T) -> T {
    let memory = UnsafeMutableRawPointer.allocate(byteCount: 512, alignment: 128)
    defer { memory.deallocate() }
    return body(OpaquePointer(memory))
}
