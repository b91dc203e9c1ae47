import Testing
import Net
@testable import WebSocket

/// Decodes client bytes (given in chunks) into messages, or the failure that ended decoding.
func decodeMessages(_ chunks: [ArraySlice<UInt8>], maxMessage: Int = 1 << 20)
    -> (messages: [WebSocketMessageAssembler.Message], failure: WebSocketFailure?) {
    var decoder = WebSocketFrameDecoder(maxFrameLength: UInt64(maxMessage))
    var assembler = WebSocketMessageAssembler(maxMessageBytes: maxMessage)
    var messages: [WebSocketMessageAssembler.Message] = []
    do {
        for chunk in chunks {
            try decoder.feed(Array(chunk)) { event in
                try assembler.handle(event) { messages.append($0) }
            }
        }
    } catch let failure as WebSocketFailure {
        return (messages, failure)
    } catch {
        return (messages, WebSocketFailure(0, "\(error)"))
    }
    return (messages, nil)
}

func clientFrame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0) -> [UInt8] {
    WSTestClient.encode(opcode: opcode, payload: payload, fin: fin, masked: masked, rsv: rsv)
}

@Suite struct CodecTests {
    /// Text split in three fragments around a ping, then binary, then close; "é" and "€" straddle fragments.
    static let stream: [UInt8] = {
        let text = Array("héllo €uro".utf8)
        return clientFrame(1, Array(text[0..<2]), fin: false)
            + clientFrame(9, Array("ping!".utf8))
            + clientFrame(0, Array(text[2..<8]), fin: false)
            + clientFrame(0, Array(text[8...]))
            + clientFrame(2, [0, 1, 2, 255])
            + clientFrame(10, [])
            + clientFrame(1, [])
            + clientFrame(8, [0x03, 0xE8] + Array("bye".utf8))
    }()

    static let expected: [WebSocketMessageAssembler.Message] = [
        .ping(Array("ping!".utf8)), .text("héllo €uro"), .binary([0, 1, 2, 255]), .pong([]), .text(""),
        .close(code: 1000, reason: "bye"),
    ]

    @Test func streamChoppedAtEveryPosition() {
        for cut in 0...Self.stream.count {
            let result = decodeMessages([Self.stream[0..<cut], Self.stream[cut...]])
            #expect(result.failure == nil)
            #expect(result.messages == Self.expected, "cut at \(cut)")
        }
    }

    @Test func streamChoppedAtEveryPairOfPositions() {
        let bytes = Self.stream
        for first in stride(from: 0, to: bytes.count, by: 3) {
            for second in first...bytes.count {
                let result = decodeMessages([bytes[0..<first], bytes[first..<second], bytes[second...]])
                #expect(result.messages == Self.expected && result.failure == nil, "cuts \(first) \(second)")
            }
        }
    }

    @Test(arguments: [0, 1, 125, 126, 127, 65535, 65536, 100_000])
    func lengthEncodings(length: Int) {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let frame = clientFrame(2, payload)
        let cuts = Set([1, 2, 3, 4, 5, 8, 9, 10, 11, 13, 14, 15, frame.count / 2, frame.count - 1].filter { $0 < frame.count })
        for cut in cuts {
            let result = decodeMessages([frame[0..<cut], frame[cut...]])
            #expect(result.messages == [.binary(payload)], "length \(length) cut \(cut)")
        }
    }

    @Test func serverEncoderUsesMinimalLengthsAndNeverMasks() {
        for (length, headerSize) in [(0, 2), (125, 2), (126, 4), (65535, 4), (65536, 10)] {
            let frame = WebSocketFrameEncoder.frame(.text, payload: [UInt8](repeating: 0x61, count: length)).array
            #expect(frame.count == length + headerSize)
            #expect(frame[0] == 0x81)
            #expect(frame[1] & 0x80 == 0)
            var decoder = WebSocketFrameDecoder(requireMask: false)
            var total = 0
            try? decoder.feed(frame) { event in if case .payload(let bytes) = event { total += bytes.count } }
            #expect(total == length)
        }
    }

    @Test func closeFrameEncodingTrimsReasonToControlLimit() {
        let frame = WebSocketFrameEncoder.close(code: 1013, reason: String(repeating: "é", count: 100)).array
        #expect(frame[1] <= 125)
        #expect(frame[2] == 0x03 && frame[3] == 0xF5)
        #expect(UTF8Validator.isValid(Array(frame[4...])))
    }

    @Test(arguments: [
        (clientFrame(1, Array("x".utf8), rsv: 4), UInt16(1002)),
        (clientFrame(1, Array("x".utf8), rsv: 2), 1002),
        (clientFrame(1, Array("x".utf8), rsv: 1), 1002),
        (clientFrame(3, []), 1002),
        (clientFrame(7, []), 1002),
        (clientFrame(11, []), 1002),
        (clientFrame(15, []), 1002),
        (clientFrame(1, Array("x".utf8), masked: false), 1002),
        (clientFrame(9, [UInt8](repeating: 0, count: 126)), 1002),
        (clientFrame(9, [], fin: false), 1002),
        (clientFrame(0, Array("x".utf8)), 1002),
        (clientFrame(1, Array("a".utf8), fin: false) + clientFrame(1, Array("b".utf8)), 1002),
        (clientFrame(1, [0xC0, 0x80]), 1007),
        (clientFrame(1, [0xED, 0xA0, 0x80]), 1007),
        (clientFrame(1, [0xF4, 0x90, 0x80, 0x80]), 1007),
        (clientFrame(1, [0xE2, 0x82]), 1007),
        (clientFrame(8, [0x03]), 1002),
        (clientFrame(8, [0x03, 0xED]), 1002),
        (clientFrame(8, [0x03, 0xEE]), 1002),
        (clientFrame(8, [0x03, 0xE7]), 1002),
        (clientFrame(8, [0x07, 0xD0]), 1002),
        (clientFrame(8, [0x03, 0xE8, 0xFF]), 1007),
    ] as [([UInt8], UInt16)])
    func violationsFailWithTheRightCode(bytes: [UInt8], code: UInt16) {
        let result = decodeMessages([bytes[...]])
        #expect(result.failure?.code == code)
    }

    @Test func hugeDeclaredLengthFails1009AfterTheLengthBytesAlone() {
        // 2^62 bytes: only the 10 length bytes are fed, no mask key and no payload.
        let header: [UInt8] = [0x82, 0xFF, 0x40, 0, 0, 0, 0, 0, 0, 0]
        let result = decodeMessages([header[...]])
        #expect(result.failure?.code == 1009)
        let highBit: [UInt8] = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0]
        #expect(decodeMessages([highBit[...]]).failure?.code == 1002)
    }

    @Test func fragmentedMessageOverTheLimitFails1009() {
        let bytes = clientFrame(2, [UInt8](repeating: 1, count: 600), fin: false) + clientFrame(0, [UInt8](repeating: 1, count: 600))
        #expect(decodeMessages([bytes[...]], maxMessage: 1000).failure?.code == 1009)
    }

    @Test func invalidUTF8FailsFastInsideAnUnfinishedFragment() {
        // The first fragment is not final; the bad byte must be reported before the message ends.
        let bytes = clientFrame(1, Array("ok".utf8) + [0xFF], fin: false)
        #expect(decodeMessages([bytes[...]]).failure?.code == 1007)
    }

    @Test func handshakeAcceptMatchesRFCExample() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }
}

@Suite struct UTF8ValidatorTests {
    static let valid: [[UInt8]] = [
        Array("plain ascii".utf8), Array("κόσμε".utf8), Array("€ 𝄞 中文 é".utf8),
        [0xF4, 0x8F, 0xBF, 0xBF], [0xEF, 0xBF, 0xBF], [0xED, 0x9F, 0xBF], [0xE0, 0xA0, 0x80], [0xF0, 0x90, 0x80, 0x80],
    ]

    static let invalid: [[UInt8]] = [
        [0x80], [0xBF], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF0, 0x80, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFE], [0xFF],
        [0x61, 0xC3], [0xE2, 0x82], [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65],
    ]

    @Test func validSequencesChoppedAnywhere() {
        for bytes in Self.valid {
            for cut in 0...bytes.count {
                var validator = UTF8Validator()
                let ok = validator.validate(Array(bytes[0..<cut])) && validator.validate(Array(bytes[cut...]))
                #expect(ok && validator.isComplete)
            }
        }
    }

    @Test func invalidSequencesAreRejectedChoppedAnywhere() {
        for bytes in Self.invalid {
            for cut in 0...bytes.count {
                var validator = UTF8Validator()
                let ok = validator.validate(Array(bytes[0..<cut])) && validator.validate(Array(bytes[cut...])) && validator.isComplete
                #expect(!ok, "\(bytes) cut \(cut)")
            }
        }
    }

    @Test func failsAtTheFirstImpossibleByte() {
        var validator = UTF8Validator()
        let prefixOK = validator.validate([0x61, 0xE2, 0x82])
        let continuationOK = validator.validate([0x28])
        #expect(prefixOK && !continuationOK)
        var overlong = UTF8Validator()
        let overlongOK = overlong.validate([0xE0, 0x80])
        #expect(!overlongOK)
    }

    @Test func agreesWithTheStandardLibraryOnAllTwoByteInputs() {
        for first in 0...255 {
            for second in stride(from: 0, through: 255, by: 7) {
                let bytes = [UInt8(first), UInt8(second)]
                #expect(UTF8Validator.isValid(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
            }
        }
    }
}
