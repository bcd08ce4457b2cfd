// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "pulpsim",
    products: [
        .executable(name: "pulpsim", targets: ["pulpsim"]),
        .library(name: "PulpSim", targets: ["PulpSim"]),
        .library(name: "PulpFloat", targets: ["PulpFloat"]),
        // C ABI for test drivers in other languages (Sources/PulpSimC/include/pulpsim.h, docs/python.md).
        .library(name: "PulpSimC", type: .dynamic, targets: ["PulpSimC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Manifests of `pulpsim test` (docs/regression-farm.md).
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // libelf (Debian libelf-dev) for reading firmware ELF files.
        .systemLibrary(name: "CLibElf", path: "Sources/CLibElf", pkgConfig: "libelf",
                       providers: [.apt(["libelf-dev"])]),
        // IEEE formats and bit-exact arithmetic shared by the F extension and RedMulE.
        .target(name: "PulpFloat", swiftSettings: fastSettings),
        // Harts, memory, devices, platforms, ELF loading.
        .target(name: "PulpSim", dependencies: ["PulpFloat", "CLibElf"], swiftSettings: fastSettings),
        // Command-line front end.
        .executableTarget(name: "pulpsim", dependencies: [
            "PulpSim", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "TOMLKit", package: "TOMLKit"),
        ], swiftSettings: fastSettings),
        // The C ABI (libPulpSimC.so): opaque machine handles, run, registers and memory.
        .target(name: "PulpSimC", dependencies: ["PulpSim"], exclude: ["include"], swiftSettings: fastSettings),
        // Throughput of the RedMulE engine (make bench).
        .executableTarget(name: "pulpsim-engine-bench", dependencies: ["PulpSim"], path: "Benchmarks/EngineBench",
                          swiftSettings: fastSettings),
        .testTarget(name: "PulpFloatTests", dependencies: ["PulpFloat"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "PulpSimTests", dependencies: ["PulpSim"], swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)

// The interpreter touches hart state through class fields on every FP instruction; dynamic
// exclusivity checks there cost more than the instruction itself. All such state is confined to
// the simulation thread.
var fastSettings: [SwiftSetting] {
    [.swiftLanguageMode(.v6)]
}
