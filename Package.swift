// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Parley",
    products: [
        .executable(name: "parley", targets: ["parley"]),
        .library(name: "ParleyPolicy", targets: ["ParleyPolicy"]),
        .library(name: "ParleyRuntime", targets: ["ParleyRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Lua 5.4 from the system (Debian: liblua5.4-dev).
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // C that Swift cannot be: the Lua macros, the error trampoline, the budgeted
        // allocator, the instruction hook and the sandbox's guarded library functions.
        .target(name: "CLuaShim", dependencies: ["CLua"]),

        // JSON values with a deterministic encoder: transcripts, state, payloads.
        .target(name: "ParleyJSON"),
        // The rules of POLICY.md as pure Swift. No Lua, no I/O, time from an injected clock.
        .target(name: "ParleyPolicy"),
        // A sandboxed Lua state with budgets, the value bridge, script loading.
        .target(name: "ParleyLua", dependencies: ["CLuaShim", "ParleyJSON", "ParleyPolicy"]),
        // Cloud API wire formats (webhook payloads, templates files) and how they feed the runtime.
        .target(name: "ParleyCloudAPI", dependencies: ["ParleyJSON", "ParleyPolicy", "ParleyRuntime"]),
        // Events, routing, escalation, timers, outbox and dispatcher, store and channel.
        .target(
            name: "ParleyRuntime",
            dependencies: [
                "ParleyPolicy", "ParleyLua", "ParleyJSON",
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        // Durable state in SQLite (WAL): the Store behind a live runtime, its agenda and inboxes.
        .target(
            name: "ParleyStorage",
            dependencies: ["ParleyRuntime", "ParleyPolicy", "ParleyJSON", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Scenarios and transcripts on a simulated clock.
        .target(
            name: "ParleySimulation",
            dependencies: [
                "ParleyRuntime", "ParleyCloudAPI", "ParleyLua", "ParleyPolicy", "ParleyJSON",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // parley test: specs for scripts, on simulated worlds.
        .target(
            name: "ParleyTesting",
            dependencies: ["ParleySimulation", "ParleyRuntime", "ParleyCloudAPI", "ParleyLua", "ParleyPolicy", "ParleyJSON"]
        ),
        .executableTarget(
            name: "parley",
            dependencies: [
                "ParleyTesting", "ParleySimulation", "ParleyRuntime", "ParleyCloudAPI", "ParleyLua", "ParleyPolicy", "ParleyJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "ParleyJSONTests", dependencies: ["ParleyJSON"]),
        .testTarget(name: "ParleyPolicyTests", dependencies: ["ParleyPolicy"]),
        .testTarget(name: "ParleyLuaTests", dependencies: ["ParleyLua", "ParleyJSON"]),
        .testTarget(name: "ParleyCloudAPITests", dependencies: ["ParleyCloudAPI", "ParleyJSON", "ParleyPolicy"]),
        .testTarget(name: "ParleyTestingTests", dependencies: ["ParleyTesting"]),
        .testTarget(
            name: "ParleyStorageTests",
            dependencies: ["ParleyStorage", "ParleyRuntime", "ParleySimulation", "ParleyLua", "ParleyPolicy", "ParleyJSON"]
        ),
        .testTarget(
            name: "ParleyRuntimeTests",
            dependencies: ["ParleyRuntime", "ParleySimulation", "ParleyCloudAPI", "ParleyPolicy", "ParleyJSON"]
        ),
    ]
)
