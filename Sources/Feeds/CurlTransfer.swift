import CCurl
import Foundation

/// One libcurl transfer: sets the handle up, runs it, and classifies the outcome.
enum CurlTransfer {
    enum Outcome {
        case response(status: Int, headers: [String: String], body: Data)
        case failure(HTTPClientError.Kind, detail: String)
    }

    private static let globalInit: CURLcode = vigie_curl_global_init()

    static func perform(_ request: HTTPRequest, configuration: HTTPClientConfiguration) -> Outcome {
        guard globalInit == CURLE_OK else { return .failure(.network, detail: "libcurl global initialisation failed") }
        guard let handle = curl_easy_init() else { return .failure(.network, detail: "curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }

        let sink = ResponseSink(limit: configuration.maxResponseBytes)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        var headerLines = ["Accept: application/json, */*;q=0.5"]
        if let etag = request.etag { headerLines.append("If-None-Match: \(etag)") }
        if let lastModified = request.lastModified { headerLines.append("If-Modified-Since: \(lastModified)") }
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { headerLines.append("\(name): \(value)") }
        for line in headerLines {
            guard !line.contains("\r"), !line.contains("\n") else {
                return .failure(.invalidRequest, detail: "header contains a line break")
            }
            headerList = curl_slist_append(headerList, line)
        }

        var errorBuffer = [CChar](repeating: 0, count: Int(vigie_curl_error_buffer_size()))
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let setupCodes: [CURLcode] = [
            vigie_curl_set_url(handle, request.url),
            vigie_curl_set_user_agent(handle, configuration.userAgent),
            vigie_curl_set_headers(handle, headerList),
            vigie_curl_set_timeouts(handle, milliseconds(configuration.connectTimeout), milliseconds(configuration.totalTimeout)),
            vigie_curl_set_no_signal(handle),
            vigie_curl_set_accept_encoding(handle, ""),
            vigie_curl_set_web_protocols_only(handle),
            vigie_curl_set_follow_redirects(handle, 5),
            vigie_curl_set_max_file_size(handle, curl_off_t(configuration.maxResponseBytes)),
            vigie_curl_set_write_callback(handle, writeBody, context),
            vigie_curl_set_header_callback(handle, writeHeader, context),
        ]
        if let failed = setupCodes.first(where: { $0 != CURLE_OK }) {
            return .failure(.invalidRequest, detail: String(cString: curl_easy_strerror(failed)))
        }

        let code = errorBuffer.withUnsafeMutableBufferPointer { buffer -> CURLcode in
            _ = vigie_curl_set_error_buffer(handle, buffer.baseAddress)
            let code = withExtendedLifetime(sink) { curl_easy_perform(handle) }
            _ = vigie_curl_set_error_buffer(handle, nil)  // the buffer dies with this closure
            return code
        }
        if sink.exceeded || code == CURLE_FILESIZE_EXCEEDED {
            return .failure(.tooLarge(limit: configuration.maxResponseBytes),
                            detail: sink.exceeded ? "received more than the cap" : "Content-Length above the cap")
        }
        guard code == CURLE_OK else {
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
            switch code {
            case CURLE_OPERATION_TIMEDOUT:
                return .failure(.timeout, detail: detail)
            case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
                return .failure(.invalidRequest, detail: detail)
            default:
                return .failure(.network, detail: "\(detail) (curl code \(code.rawValue))")
            }
        }
        return .response(status: vigie_curl_response_code(handle), headers: sink.headers, body: sink.body)
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        Int(max(1, (seconds * 1000).rounded()))
    }
}

/// Collects one transfer's headers and body; used only by the thread running `curl_easy_perform`.
private final class ResponseSink {
    let limit: Int
    var body = Data()
    var headers: [String: String] = [:]
    var exceeded = false

    init(limit: Int) { self.limit = limit }
}

/// Appends a body chunk; returning less than given makes libcurl abort the transfer (over the cap).
private let writeBody: curl_write_callback = { pointer, size, count, context in
    guard let pointer, let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    if sink.body.count + length > sink.limit {
        sink.exceeded = true
        return 0
    }
    sink.body.append(UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: length)
    return length
}

/// Records one header line; a status line starts a new header block (redirects, 100 Continue).
private let writeHeader: curl_write_callback = { pointer, size, count, context in
    guard let pointer, let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        sink.headers = [:]
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        sink.headers[name] = value
    }
    return length
}
