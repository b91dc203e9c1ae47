import Feeds

/// What the dashboard shows about a feed besides its readings: title, zone, period, licence, units.
public struct FeedInfo: Sendable, Equatable {
    public var id: String
    public var title: String
    public var description: String
    public var zone: String
    public var periodSeconds: Int
    public var licence: String
    public var attribution: String
    public var sourceURL: String
    /// Value names and their units, in display order.
    public var fields: [(name: String, unit: String)]

    public init(id: String, title: String, description: String, zone: String, periodSeconds: Int, licence: String,
                attribution: String, sourceURL: String, fields: [(name: String, unit: String)]) {
        self.id = id
        self.title = title
        self.description = description
        self.zone = zone
        self.periodSeconds = periodSeconds
        self.licence = licence
        self.attribution = attribution
        self.sourceURL = sourceURL
        self.fields = fields
    }

    public init(_ feed: any Feed) {
        self.init(id: feed.id, title: feed.title, description: feed.description, zone: feed.zone,
                  periodSeconds: feed.periodSeconds, licence: feed.licence, attribution: feed.attribution,
                  sourceURL: feed.sourceURL, fields: feed.fields.map { ($0.name, $0.unit) })
    }

    /// Every feed of the registry, in display order.
    public static var registry: [FeedInfo] { FeedRegistry.all.map(FeedInfo.init) }

    public static func == (lhs: FeedInfo, rhs: FeedInfo) -> Bool {
        lhs.id == rhs.id && lhs.title == rhs.title && lhs.description == rhs.description && lhs.zone == rhs.zone
            && lhs.periodSeconds == rhs.periodSeconds && lhs.licence == rhs.licence && lhs.attribution == rhs.attribution
            && lhs.sourceURL == rhs.sourceURL && lhs.fields.map(\.name) == rhs.fields.map(\.name)
            && lhs.fields.map(\.unit) == rhs.fields.map(\.unit)
    }
}
