import BSON

/// The JSON text frames the server sends to viewers (DESIGN.md §6, API.md), built by hand so a reading's
/// document is rendered once, in plain JSON, with dates as ISO strings.
public enum ViewerMessage {
    /// `{"type":"hello","server":…,"epoch":…,"feeds":[…]}`: the first frame on every connection.
    public static func hello(server: String, epoch: String, feeds: [String]) -> String {
        var text = "{\"type\":\"hello\",\"server\":"
        PlainJSON.quote(server, into: &text)
        text += ",\"epoch\":"
        PlainJSON.quote(epoch, into: &text)
        text += ",\"feeds\":"
        writeStrings(feeds, into: &text)
        return text + "}"
    }

    /// `{"type":"reading","feed":…,"op":…,"offset":N,"doc":{…}}`.
    public static func reading(_ change: ReadingChange, offset: UInt64) -> String {
        var text = "{\"type\":\"reading\",\"feed\":"
        if let feed = change.feed { PlainJSON.quote(feed, into: &text) } else { text += "null" }
        text += ",\"op\":"
        PlainJSON.quote(change.operation.rawValue, into: &text)
        text += ",\"offset\":\(offset),\"doc\":"
        PlainJSON.write(change.document, into: &text)
        return text + "}"
    }

    /// `{"type":"fetch","feed":…,"offset":N,"ok":…,"at":ISO,"error":…,"records":…,"inserted":…,"updated":…}`.
    public static func fetch(_ run: FetchRun, offset: UInt64) -> String {
        var text = "{\"type\":\"fetch\",\"feed\":"
        PlainJSON.quote(run.feed, into: &text)
        text += ",\"offset\":\(offset),\"ok\":\(run.ok ? "true" : "false"),\"at\":"
        if let at = run.at { PlainJSON.quote(ISODate.format(at), into: &text) } else { text += "null" }
        text += ",\"error\":"
        if let error = run.error { PlainJSON.quote(error, into: &text) } else { text += "null" }
        for (name, value) in [("records", run.records), ("inserted", run.inserted), ("updated", run.updated)] {
            text += ",\"\(name)\":" + (value.map(String.init) ?? "null")
        }
        return text + "}"
    }

    /// `{"type":"reset"}`: the viewer's position is gone; it reloads its window over REST.
    public static let reset = "{\"type\":\"reset\"}"

    /// `{"type":"status","db":"up"|"down"}`.
    public static func status(databaseUp: Bool) -> String {
        "{\"type\":\"status\",\"db\":\"\(databaseUp ? "up" : "down")\"}"
    }

    /// `{"type":"error","error":…}`: a viewer message the server could not use (the connection stays open).
    public static func error(_ message: String) -> String {
        var text = "{\"type\":\"error\",\"error\":"
        PlainJSON.quote(message, into: &text)
        return text + "}"
    }

    static func writeStrings(_ strings: [String], into text: inout String) {
        text += "["
        for (index, string) in strings.enumerated() {
            if index > 0 { text += "," }
            PlainJSON.quote(string, into: &text)
        }
        text += "]"
    }
}
