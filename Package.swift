// swift-tools-version:6.0
// Guichet: an accessible static-site generator and form gateway for French local authorities.
// Targets follow the module map of DESIGN.md; dependencies point one way (C libraries → model →
// content/rendering → site builder → CLI).
import PackageDescription

let package = Package(
    name: "Guichet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "guichet", targets: ["guichet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // swift-mustache 2.1.1 with one performance patch: Vendor/swift-mustache/PATCHES.md.
        .package(path: "Vendor/swift-mustache"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // SMTP with STARTTLS and authentication (the e-mail notifications).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        .target(name: "CAtomicSwap"),

        // MARK: - Pure model
        .target(name: "GuichetModel"),

        // MARK: - Loading, Markdown, templates
        .target(name: "YAMLReading", dependencies: [
            "GuichetModel", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "ContentLoader", dependencies: ["GuichetModel", "YAMLReading"]),
        .target(name: "Markdown", dependencies: ["CCmarkGFM"]),
        .target(name: "FormKit", dependencies: [
            "GuichetModel", "YAMLReading", .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Rendering", dependencies: [
            "GuichetModel", .product(name: "Mustache", package: "swift-mustache"),
        ]),

        // MARK: - RGAA checker
        // The checker reads each page through one PageContext (a class) on one thread; the
        // run-time exclusivity checks on its arrays cost 3 % of a check in release builds, so
        // they stay on in debug builds (the tests) only.
        .target(name: "Accessibility", dependencies: ["CLibXML2"],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),

        // MARK: - The build pipeline
        .target(name: "SiteBuilder", dependencies: [
            "GuichetModel", "ContentLoader", "FormKit", "Markdown", "Rendering", "Accessibility", "CAtomicSwap",
        ]),

        // MARK: - The gateway: queue, transport-free core, transports
        .target(name: "Queue", dependencies: [
            "GuichetModel", .product(name: "GRDB", package: "GRDB.swift"),
            // SQLite's C API, for binding the inserts of each submission directly (DirectBinding.swift).
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // E-mail to citizens: MIME encoding, SMTP/sendmail transports, the outbox sender. The
        // messages themselves are composed by the gateway, which knows the site and its theme.
        .target(name: "Notifications", dependencies: ["GuichetModel", "Queue", "CCurl"]),
        .target(name: "Gateway", dependencies: [
            "GuichetModel", "ContentLoader", "FormKit", "Rendering", "Markdown", "Queue", "Notifications",
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .target(name: "Transports", dependencies: [
            "Gateway",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),

        // MARK: - CLI
        .executableTarget(name: "guichet", dependencies: [
            "SiteBuilder", "Accessibility", "Gateway", "Queue", "Notifications", "Transports", "Rendering",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], linkerSettings: [
            // jemalloc as the process's allocator (Debian: libjemalloc-dev): linked ahead of the
            // C library, it serves every malloc (Swift runtime, libxml2, cmark-gfm, SQLite).
            // glibc's malloc took 13 % of a 10,000-page build's CPU; with jemalloc the build
            // uses about a fifth less CPU (README, Benchmark). Nothing calls it by name, so it
            // is linked with --no-as-needed, or the linker would drop it; GuichetCLITests
            // checks that the binary really runs on it.
            .unsafeFlags(["-Xlinker", "--push-state", "-Xlinker", "--no-as-needed", "-ljemalloc", "-Xlinker", "--pop-state"]),
        ]),

        // MARK: - Tests
        .testTarget(name: "GuichetModelTests", dependencies: ["GuichetModel"]),
        .testTarget(name: "ContentLoaderTests", dependencies: ["ContentLoader"]),
        .testTarget(name: "MarkdownTests", dependencies: ["Markdown"]),
        .testTarget(name: "FormKitTests", dependencies: ["FormKit", "ContentLoader"]),
        .testTarget(name: "SiteBuilderTests", dependencies: ["SiteBuilder", "Rendering", "GuichetModel", "FormKit", "Accessibility",
                                                            .product(name: "Mustache", package: "swift-mustache")]),
        .testTarget(name: "AccessibilityTests", dependencies: ["Accessibility", "CLibXML2"], exclude: ["Fixtures"]),
        .testTarget(name: "QueueTests", dependencies: ["Queue", "GuichetModel"]),
        .testTarget(name: "NotificationsTests", dependencies: ["Notifications", "Queue", "GuichetModel"],
                    exclude: ["Support/smtp_server.py"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "Queue", "FormKit", "Rendering", "GuichetModel", "ContentLoader", "Accessibility", "SiteBuilder",
                                                         .product(name: "HTTPTypes", package: "swift-http-types"),
                                                         .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TransportsTests", dependencies: ["Transports", "Gateway",
                                                            .product(name: "NIOCore", package: "swift-nio"),
                                                            .product(name: "NIOPosix", package: "swift-nio"),
                                                            .product(name: "HTTPTypes", package: "swift-http-types")]),
        .testTarget(name: "GuichetCLITests", dependencies: ["Queue", "GuichetModel", .product(name: "Crypto", package: "swift-crypto")]),
    ],
    swiftLanguageModes: [.v6]
)
