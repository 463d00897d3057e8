// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Cupola",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cupola", targets: ["cupola"]),
        .library(name: "CupolaCore", targets: ["CupolaCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        .systemLibrary(name: "CExif", pkgConfig: "libexif", providers: [.apt(["libexif-dev"])]),
        // LibRaw's thread-safe build: camera raw files (Sources/CCupolaShim/craw.c).
        .systemLibrary(name: "CRaw", pkgConfig: "libraw_r", providers: [.apt(["libraw-dev"])]),
        // libjpeg comes with libvips (libvips-dev depends on libjpeg-dev); the shim calls it directly.
        .target(name: "CCupolaShim", dependencies: ["CVips", "CExif", "CRaw"], linkerSettings: [.linkedLibrary("jpeg")]),
        .target(
            name: "CupolaCore",
            dependencies: [
                "CCupolaShim", "CVips", "CExif",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // The shared catalog for many workers: PostgreSQL, through postgres-nio. Its own target, so
        // CupolaCore (and everything that uses only SQLite) does not compile it.
        .target(
            name: "CupolaPostgres",
            dependencies: ["CupolaCore", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        // Synthetic frames with real EXIF blocks, for Samples/ and the tests.
        .target(name: "CupolaFixtures", dependencies: ["CupolaCore", "CCupolaShim", "CVips", "CExif"]),
        .executableTarget(
            name: "cupola",
            dependencies: [
                "CupolaCore", "CupolaFixtures", "CupolaPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CupolaCoreTests",
            dependencies: [
                "CupolaCore", "CupolaFixtures", "CupolaPostgres", "cupola", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
