// swift-tools-version:6.0
// libFuzzer targets for pulpsim's input surfaces (docs/robustness.md). A package of its own, so
// that the root package keeps no sanitizer flags. Build and run them from the root with
// `make fuzz-elf`, `make fuzz-gdb`, `make fuzz-trace-decode`, `make fuzz-cli-options`,
// `make fuzz-devices`, `make fuzz-instructions` or `make fuzz`; by hand:
//
//   swift build --package-path Fuzz --scratch-path .build-fuzz -c release \
//       --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --product fuzz-elf
//   .build-fuzz/release/fuzz-elf -dict=Fuzz/dict/elf.dict Fuzz/corpus/elf
//
// `--sanitize=fuzzer` tells SwiftPM that libFuzzer supplies `main` (without it, SwiftPM renames
// the entry point of executables and the link fails) and instruments every module, PulpSim
// included, for coverage; `-Xswiftc -sanitize=fuzzer,address` adds AddressSanitizer to every
// module too (two `--sanitize` options do not combine: the last one wins).
import PackageDescription

/// Flags of every fuzz target: no `main` of their own (libFuzzer's), coverage and ASan.
let fuzzFlags: [SwiftSetting] = [.unsafeFlags(["-parse-as-library", "-sanitize=fuzzer,address"])]
let fuzzLink: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"])]

let package = Package(
    name: "pulpsim-fuzz",
    dependencies: [
        .package(name: "pulpsim", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // What the targets share: the firmware the gdb and cli-options targets load, checks,
        // and the program builder and run oracle of the devices and instructions targets.
        .target(name: "FuzzSupport", dependencies: [.product(name: "PulpSim", package: "pulpsim")],
                swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "fuzz-elf", dependencies: ["FuzzSupport", .product(name: "PulpSim", package: "pulpsim")],
                          swiftSettings: fuzzFlags + [.swiftLanguageMode(.v5)], linkerSettings: fuzzLink),
        .executableTarget(name: "fuzz-gdb", dependencies: ["FuzzSupport", .product(name: "PulpSim", package: "pulpsim")],
                          swiftSettings: fuzzFlags + [.swiftLanguageMode(.v5)], linkerSettings: fuzzLink),
        .executableTarget(name: "fuzz-trace-decode", dependencies: ["FuzzSupport", .product(name: "PulpSim", package: "pulpsim")],
                          swiftSettings: fuzzFlags + [.swiftLanguageMode(.v5)], linkerSettings: fuzzLink),
        .executableTarget(name: "fuzz-devices", dependencies: ["FuzzSupport", .product(name: "PulpSim", package: "pulpsim")],
                          swiftSettings: fuzzFlags + [.swiftLanguageMode(.v5)], linkerSettings: fuzzLink),
        .executableTarget(name: "fuzz-instructions", dependencies: ["FuzzSupport", .product(name: "PulpSim", package: "pulpsim")],
                          swiftSettings: fuzzFlags + [.swiftLanguageMode(.v5)], linkerSettings: fuzzLink),
        // The command-line front end is compiled in (Sources/fuzz-cli-options/PulpSimCommand.swift
        // is a link to the real one; FarmSubcommands.swift stands in for `pulpsim test`, which is
        // left out); its @main entry point is renamed so that libFuzzer's runs.
        // Warnings are off: here, in another package than PulpSim, the front end's conformances
        // of PulpSim types to ExpressibleByArgument are retroactive (they are not in the root).
        .executableTarget(name: "fuzz-cli-options",
                          dependencies: ["FuzzSupport", .product(name: "PulpSim", package: "pulpsim"),
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library", "-sanitize=fuzzer,address",
                                                        "-Xfrontend", "-entry-point-function-name",
                                                        "-Xfrontend", "pulpsim_command_main", "-suppress-warnings"]),
                                          .swiftLanguageMode(.v5)],
                          linkerSettings: fuzzLink),
    ]
)
