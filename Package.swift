// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "touchstone",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "touchstone", targets: ["touchstone"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
    ],
    targets: [
        /// libpq, from Debian's libpq-dev.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        /// Our small typed wrapper over libpq: connections, pool, bound parameters, COPY, errors.
        .target(
            name: "PQ",
            dependencies: [
                "CLibPQ", "DecimalText",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// libxlsxwriter, from Debian's libxlsxwriter-dev.
        .systemLibrary(name: "CXLSXWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"]), .brew(["libxlsxwriter"])]),
        /// Our small typed wrapper over libxlsxwriter: a workbook, sheets, typed cells.
        .target(name: "XLSX", dependencies: ["CXLSXWriter"], swiftSettings: swiftSettings),
        /// The embedded PostgreSQL cluster under ./.touchstone/ (initdb, start, stop, crash recovery).
        .target(
            name: "EmbeddedPostgres",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        /// A deterministic chain of any size, written as files in the formats of formats.md.
        .target(name: "ChainGenerator", swiftSettings: swiftSettings),
        /// The pure domain: scoring, KPIs, payouts. No I/O, no database, no NIO.
        /// Fast exact text of Foundation's Decimal (used by the core, the wrapper and the store).
        .target(name: "DecimalText", swiftSettings: swiftSettings),
        .target(name: "TouchstoneCore", dependencies: ["DecimalText"], swiftSettings: swiftSettings),
        /// All SQL: migrations, query modules per aggregate, imports, the batch.
        .target(
            name: "TouchstoneStore",
            dependencies: [
                "PQ", "TouchstoneCore", "DecimalText", "XLSX", "ChainGenerator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The HTTP daemon.
        .target(
            name: "TouchstoneServer",
            dependencies: [
                "TouchstoneStore", "TouchstoneCore", "PQ",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Pages/Templates"), .copy("Pages/Localization")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "touchstone",
            dependencies: [
                "TouchstoneServer", "TouchstoneStore", "TouchstoneCore", "PQ", "EmbeddedPostgres", "ChainGenerator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Test support: a fresh migrated database on the embedded cluster for each suite.
        .target(
            name: "TouchstoneTestSupport",
            dependencies: ["TouchstoneStore", "TouchstoneCore", "PQ", "EmbeddedPostgres", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TouchstoneCoreTests", dependencies: ["TouchstoneCore", "DecimalText"], swiftSettings: swiftSettings),
        .testTarget(name: "ChainGeneratorTests", dependencies: ["ChainGenerator"], swiftSettings: swiftSettings),
        .testTarget(name: "XLSXTests", dependencies: ["XLSX"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PQTests",
            dependencies: ["PQ", "EmbeddedPostgres", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TouchstoneStoreTests",
            dependencies: ["TouchstoneStore", "TouchstoneCore", "PQ", "TouchstoneTestSupport", "ChainGenerator"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TouchstoneServerTests",
            dependencies: [
                "TouchstoneServer", "TouchstoneStore", "TouchstoneCore", "PQ", "TouchstoneTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
