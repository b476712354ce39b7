// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tend",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tend", targets: ["tend"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(name: "TendYAML", dependencies: ["CYaml"], exclude: ["README.md"]),
        .target(
            name: "TendCore",
            dependencies: ["TendYAML", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["README.md"]
        ),
        .target(name: "TendResources", dependencies: ["TendCore"], exclude: ["README.md"]),
        .target(name: "TendFleet", dependencies: ["TendCore"], exclude: ["README.md"]),
        // libpq's header only (no pkgConfig, so no -lpq): TendReport dlopen's libpq when a report URL is set.
        .systemLibrary(name: "CPostgres", providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .target(name: "TendReport", dependencies: ["TendCore", "CPostgres"], exclude: ["README.md"]),
        .target(
            name: "TendCLI",
            dependencies: [
                "TendCore", "TendResources", "TendFleet", "TendReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        .executableTarget(name: "tend", dependencies: ["TendCLI"]),
        .target(name: "TendTestSupport", dependencies: ["TendCore"], exclude: ["README.md"]),

        .testTarget(name: "TendYAMLTests", dependencies: ["TendYAML"]),
        .testTarget(name: "TendCoreTests", dependencies: ["TendCore", "TendTestSupport"], exclude: ["Snapshots"]),
        .testTarget(
            name: "TendResourcesTests",
            dependencies: ["TendResources", "TendTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "ReportTests", dependencies: ["tend", "TendReport", "TendCore", "TendTestSupport"]),
        .testTarget(name: "TendCLITests", dependencies: ["TendCLI", "TendResources", "TendTestSupport"]),
        .testTarget(name: "FleetTests", dependencies: ["TendFleet", "TendTestSupport", "tend"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["tend", "TendTestSupport"],
            exclude: ["Snapshots"]
        ),
    ]
)
