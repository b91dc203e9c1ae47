/// The feeds Vigie knows, by id.
public enum FeedRegistry {
    /// Every feed, in display order, with its default configuration.
    public static let all: [any Feed] = [USGSFeed(), OpenMeteoFeed(), VelibFeed(), Eco2mixFeed()]

    public static var ids: [String] { all.map(\.id) }

    /// The feed with this id, nil for an unknown id.
    public static func feed(id: String) -> (any Feed)? {
        all.first { $0.id == id }
    }
}
