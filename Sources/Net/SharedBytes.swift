/// An immutable block of bytes that many connections, on many loops, may write without copying.
///
/// Sendable because the storage is written once in `init` and never mutated afterwards;
/// it is freed when the last reference goes away.
public final class SharedBytes: @unchecked Sendable {
    public let base: UnsafeRawPointer
    public let count: Int

    /// Copies `bytes` once.
    public convenience init(_ bytes: [UInt8]) {
        self.init(count: bytes.count) { buffer in
            bytes.withUnsafeBytes { source in
                if source.count > 0 { buffer.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: source.count) }
            }
        }
    }

    /// Copies the UTF-8 bytes of `text` once.
    public convenience init(_ text: String) {
        self.init(Array(text.utf8))
    }

    /// Allocates `count` bytes and lets `fill` write all of them before the block is shared.
    public init(count: Int, fill: (UnsafeMutableRawBufferPointer) -> Void) {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1), alignment: 8)
        fill(UnsafeMutableRawBufferPointer(start: storage, count: count))
        self.base = UnsafeRawPointer(storage)
        self.count = count
    }

    deinit {
        UnsafeMutableRawPointer(mutating: base).deallocate()
    }

    /// The bytes as an array (a copy).
    public var array: [UInt8] {
        Array(UnsafeRawBufferPointer(start: base, count: count))
    }
}
