import BSON
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal MongoDB wire-protocol client over a blocking socket, for byte-level tests.
/// Handed whole to one thread at a time (a test hands it to the thread that waits on it, then stops using it).
final class WireClient: @unchecked Sendable {
    let descriptor: Int32
    private var nextRequestId: Int32 = 1

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw WireTestError(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            Glibc.close(descriptor)
            throw WireTestError(description: "cannot connect to 127.0.0.1:\(port)")
        }
        // A test must never hang on a server that stays silent.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(descriptor) }

    func close() { shutdown(descriptor, Int32(SHUT_RDWR)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw WireTestError(description: "send failed") }
            offset += sent
        }
    }

    /// One whole message, or nil when the server closed the connection.
    func receive() throws -> (opCode: Int32, responseTo: Int32, body: [UInt8])? {
        guard let header = read(16) else { return nil }
        let length = Int(int32(header, 0))
        guard length >= 16, let rest = read(length - 16) else { return nil }
        return (int32(header, 12), int32(header, 8), rest)
    }

    /// The reply document of an OP_MSG or OP_REPLY, or nil when the connection was closed.
    func receiveDocument() throws -> Document? {
        guard let (opCode, _, body) = try receive() else { return nil }
        switch opCode {
        case 2013: return try Document(bytes: Array(body[5...]))
        case 1: return try Document(bytes: Array(body[20...]))
        default: throw WireTestError(description: "unexpected reply opcode \(opCode)")
        }
    }

    func command(_ command: Document, database: String = "test", sequences: [(String, [Document])] = [],
                 checksum: Bool = false) throws -> Document {
        var body = command
        body.append("$db", .string(database))
        try send(message(body, sequences: sequences, checksum: checksum))
        guard let reply = try receiveDocument() else { throw WireTestError(description: "connection closed") }
        return reply
    }

    /// OP_MSG bytes: a body section, optional document sequences, optional CRC-32C checksum.
    func message(_ body: Document, sequences: [(String, [Document])] = [], checksum: Bool = false, flags: UInt32 = 0) -> [UInt8] {
        var payload = [UInt8]()
        append(Int32(bitPattern: flags | (checksum ? 1 : 0)), to: &payload)
        payload.append(0)
        payload.append(contentsOf: body.bytes)
        for (identifier, documents) in sequences {
            var section = [UInt8]()
            section.append(contentsOf: Array(identifier.utf8) + [0])
            for document in documents { section.append(contentsOf: document.bytes) }
            payload.append(1)
            append(Int32(section.count + 4), to: &payload)
            payload.append(contentsOf: section)
        }
        var bytes = header(length: 16 + payload.count + (checksum ? 4 : 0), opCode: 2013) + payload
        if checksum { append(Int32(bitPattern: WireClient.crc32c(bytes)), to: &bytes) }
        return bytes
    }

    /// OP_QUERY bytes for a command on `database.$cmd`.
    func query(_ command: Document, database: String = "admin") -> [UInt8] {
        var payload = [UInt8]()
        append(0, to: &payload)
        payload.append(contentsOf: Array("\(database).$cmd".utf8) + [0])
        append(0, to: &payload)
        append(-1, to: &payload)
        payload.append(contentsOf: command.bytes)
        return header(length: 16 + payload.count, opCode: 2004) + payload
    }

    func header(length: Int, opCode: Int32) -> [UInt8] {
        var bytes = [UInt8]()
        append(Int32(length), to: &bytes)
        append(nextRequestId, to: &bytes)
        nextRequestId += 1
        append(0, to: &bytes)
        append(opCode, to: &bytes)
        return bytes
    }

    func append(_ value: Int32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private func int32(_ bytes: [UInt8], _ offset: Int) -> Int32 {
        Int32(bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
    }

    private func read(_ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + offset, count - offset, 0) }
            if received <= 0 { return nil }
            offset += received
        }
        return buffer
    }

    /// CRC-32C, written independently of the store's, so a test catches a wrong polynomial or reflection.
    static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = ~0
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0x82F6_3B78 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}
