// swift-tools-version:6.0
// Vigie: cron-fed MongoDB readings pushed live over WebSocket. See docs/architecture.md.
import PackageDescription

let package = Package(
    name: "vigie",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vigie", targets: ["vigie"]),
        .executable(name: "vigie-bench", targets: ["vigie-bench"]),
    ],
    targets: [
        // C libraries, found through pkg-config.
        .systemLibrary(name: "CMongoc", pkgConfig: "libmongoc-1.0",
                       providers: [.apt(["libmongoc-dev", "libbson-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CEpoll"),  // sys/epoll.h + sys/eventfd.h (libc headers, nothing to link)

        // Libraries, lowest first.
        .target(name: "BSON", dependencies: ["CMongoc"], linkerSettings: [.linkedLibrary("m")]),
        .target(name: "Mongo", dependencies: ["BSON", "CMongoc"]),
        .target(name: "EmbeddedMongo", dependencies: ["BSON", "CSQLite"]),
        .target(name: "Net", dependencies: ["CEpoll"]),
        .target(name: "HTTP", dependencies: ["Net", "CZlib"]),
        .target(name: "WebSocket", dependencies: ["HTTP", "Net", "CCrypto"]),
        .target(name: "Feeds", dependencies: ["CCurl"]),
        .target(name: "Jobs", dependencies: ["Feeds", "Mongo", "BSON"]),
        .target(name: "Dashboard", dependencies: ["Mongo", "BSON", "WebSocket", "HTTP", "Net", "Feeds"]),
        .executableTarget(name: "vigie",
                          dependencies: ["Dashboard", "Jobs", "EmbeddedMongo", "Mongo", "WebSocket", "Feeds"]),
        .executableTarget(name: "vigie-bench",
                          dependencies: ["Mongo", "EmbeddedMongo", "Net", "WebSocket", "Feeds", "Jobs", "Dashboard"],
                          exclude: ["fanout-peer.js"]),

        // Helpers shared by several test targets (sockets), not shipped in any product.
        .target(name: "TestSupport", dependencies: ["Net"], path: "Tests/TestSupport"),

        // One test target per module.
        .testTarget(name: "BSONTests", dependencies: ["BSON"]),
        .testTarget(name: "MongoTests", dependencies: ["Mongo", "EmbeddedMongo"]),
        .testTarget(name: "EmbeddedMongoTests", dependencies: ["EmbeddedMongo", "Mongo"]),
        .testTarget(name: "NetTests", dependencies: ["TestSupport", "Net"]),
        .testTarget(name: "HTTPTests", dependencies: ["TestSupport", "HTTP", "Net"]),
        .testTarget(name: "WebSocketTests", dependencies: ["TestSupport", "WebSocket", "HTTP", "Net"]),
        .testTarget(name: "FeedsTests", dependencies: ["Feeds"]),
        .testTarget(name: "JobsTests", dependencies: ["Jobs", "Feeds", "Mongo", "EmbeddedMongo"]),
        .testTarget(name: "DashboardTests",
                    dependencies: ["Dashboard", "Mongo", "EmbeddedMongo", "WebSocket", "Jobs"]),
    ]
)
