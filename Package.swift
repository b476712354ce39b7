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
    ],
    targets: [
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(name: "TendYAML", dependencies: ["CYaml"]),
        .target(name: "TendCore", dependencies: ["TendYAML"]),
        .target(name: "TendResources", dependencies: ["TendCore"]),
        .target(
            name: "TendCLI",
            dependencies: [
                "TendCore", "TendResources",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "tend", dependencies: ["TendCLI"]),
        .target(name: "TendTestSupport", dependencies: ["TendCore"]),

        .testTarget(name: "TendYAMLTests", dependencies: ["TendYAML"]),
        .testTarget(name: "TendCoreTests", dependencies: ["TendCore", "TendTestSupport"]),
        .testTarget(
            name: "TendResourcesTests",
            dependencies: ["TendResources", "TendTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "TendCLITests", dependencies: ["TendCLI", "TendResources", "TendTestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["tend", "TendTestSupport"]
        ),
    ]
)
