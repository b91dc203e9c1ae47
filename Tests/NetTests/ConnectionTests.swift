#if canImport(Glibc)
import TestSupport
import Glibc
#endif
import Foundation
import Testing
@testable import Net

/// Echoes every byte back; on "CLOSE" answers "BYE" and closes gracefully.
final class EchoDelegate: ConnectionDelegate {
    func connectionDidRead(_ connection: Connection, bytes: UnsafeRawBufferPointer) {
        let data = Array(bytes)
        if data.starts(with: Array("CLOSE".utf8)) {
            connection.write(Array("BYE".utf8))
            connection.closeAfterFlush()
        } else {
            connection.write(data)
        }
    }

    func connectionDidClose(_ connection: Connection) {}
}

/// Writes a large payload as many chunks as soon as a client connects.
final class FloodDelegate: ConnectionDelegate {
    func connectionDidRead(_ connection: Connection, bytes: UnsafeRawBufferPointer) {}
    func connectionDidClose(_ connection: Connection) {}
}

@Suite struct ConnectionTests {
    @Test func echoesOverARealSocketOnAnyLoop() throws {
        try withGroup { group in
            let listener = try Listener(host: "127.0.0.1", port: 0)
            defer { listener.close() }
            listener.start(group: group) { connection in connection.delegate = EchoDelegate() }
            for _ in 0..<4 {
                let client = try BlockingSocket(port: listener.port)
                try client.send("hello")
                #expect(try client.receive(exactly: 5) == Array("hello".utf8))
                try client.send("CLOSE")
                #expect(try client.receive(exactly: 3) == Array("BYE".utf8))
                #expect(client.waitForClose())
            }
        }
    }

    @Test func largeQueuedWritesArriveCompleteAndInOrderToASlowReader() throws {
        try withGroup { group in
            let listener = try Listener(host: "127.0.0.1", port: 0)
            defer { listener.close() }
            let chunkCount = 2000, chunkSize = 4096
            listener.start(group: group) { connection in
                connection.delegate = FloodDelegate()
                for index in 0..<chunkCount {
                    connection.write([UInt8](repeating: UInt8(index & 0xFF), count: chunkSize))
                }
                connection.closeAfterFlush()
            }
            let client = try BlockingSocket(port: listener.port, receiveBuffer: 4096)
            usleep(100_000)
            var received: [UInt8] = []
            while true {
                let chunk = try client.receive()
                if chunk.isEmpty { break }
                received += chunk
            }
            #expect(received.count == chunkCount * chunkSize)
            let ordered = (0..<chunkCount).allSatisfy { index in
                received[index * chunkSize] == UInt8(index & 0xFF) && received[index * chunkSize + chunkSize - 1] == UInt8(index & 0xFF)
            }
            #expect(ordered)
        }
    }

    @Test func gracefulCloseDeliversLastBytesEvenWithUnreadInput() throws {
        try withGroup(loops: 1) { group in
            let listener = try Listener(host: "127.0.0.1", port: 0)
            defer { listener.close() }
            listener.start(group: group) { connection in connection.delegate = EchoDelegate() }
            let client = try BlockingSocket(port: listener.port)
            // The server reads "CLOSE" and closes while more input is still arriving.
            try client.send("CLOSE")
            try? client.send([UInt8](repeating: 7, count: 200_000))
            var received: [UInt8] = []
            while received.count < 3 {
                let chunk = try client.receive()
                if chunk.isEmpty { break }
                received += chunk
            }
            #expect(Array(received.prefix(3)) == Array("BYE".utf8))
        }
    }

    @Test func discardUnsentWritesKeepsAPartlySentChunk() throws {
        try withGroup(loops: 1) { group in
            let listener = try Listener(host: "127.0.0.1", port: 0)
            defer { listener.close() }
            let queued = Box<(before: Int, after: Int)>()
            listener.start(group: group) { connection in
                connection.delegate = FloodDelegate()
                for _ in 0..<64 { connection.write([UInt8](repeating: 1, count: 256 * 1024)) }
                connection.loop.schedule(after: 0.2) {
                    let before = connection.queuedBytes
                    connection.discardUnsentWrites()
                    queued.set((before, connection.queuedBytes))
                }
            }
            let client = try BlockingSocket(port: listener.port, receiveBuffer: 4096)
            let result = try #require(queued.wait())
            #expect(result.before > result.after)
            #expect(result.after < 256 * 1024 + 1)
            _ = client
        }
    }

    @Test func parsesListenAddresses() throws {
        #expect(try Socket.parseHostPort("127.0.0.1:9001") == ("127.0.0.1", 9001))
        #expect(try Socket.parseHostPort("localhost:0") == ("127.0.0.1", 0))
        #expect(throws: AddressError.self) { try Socket.parseHostPort("nonsense") }
        #expect(throws: AddressError.self) { try Socket.parseHostPort("1.2.3.4:70000") }
        #expect(throws: AddressError.self) { try Socket.parseHostPort("example:80") }
    }
}
