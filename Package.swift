// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Parley",
    products: [
        .executable(name: "parley", targets: ["parley"]),
        .executable(name: "parley-bench", targets: ["parley-bench"]),
        .library(name: "ParleyPolicy", targets: ["ParleyPolicy"]),
        .library(name: "ParleyRuntime", targets: ["ParleyRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
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
        // The bare C+Lua floor of the event path, which parley-bench measures beside the pipeline.
        .target(name: "CBenchFloor", dependencies: ["CLua"]),

        // JSON values with a deterministic encoder: transcripts, state, payloads.
        .target(name: "ParleyJSON"),
        // The rules of docs/rules.md as pure Swift. No Lua, no I/O, time from an injected clock.
        .target(name: "ParleyPolicy"),
        // The Lua sandbox, generic: a state with CPU and memory budgets, values across the
        // boundary, host functions declared as data, the safe libraries, confined `require`.
        .target(name: "ParleySandbox", dependencies: ["CLuaShim", "ParleyJSON", "ParleyPolicy"]),
        // The scripting model on the sandbox: the four kinds of script, the primitives, and
        // the host protocol the runtime answers them through.
        .target(name: "ParleyScripting", dependencies: ["ParleySandbox", "CLuaShim", "ParleyJSON", "ParleyPolicy"]),
        // Cloud API wire formats: webhook payloads, message requests, errors, templates files.
        .target(name: "ParleyCloudAPI", dependencies: ["ParleyJSON", "ParleyPolicy"]),
        // The Graph API client: sending messages, syncing templates. Beside the wire format,
        // outside the server, so `parley templates sync` needs no server.
        .target(
            name: "ParleyGraphAPI",
            dependencies: [
                "ParleyCloudAPI", "ParleyPolicy",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Webhooks to runtime events: the one path from the wire to the runtime.
        .target(name: "ParleyIngest", dependencies: ["ParleyCloudAPI", "ParleyRuntime", "ParleyPolicy"]),
        // Events, routing, escalation, timers, outbox and dispatcher, store and channel.
        .target(
            name: "ParleyRuntime",
            dependencies: [
                "ParleyPolicy", "ParleySandbox", "ParleyScripting", "ParleyJSON",
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        // Durable state in SQLite (WAL): the Store behind a live runtime, its agenda and inboxes.
        .target(
            name: "ParleyStorage",
            dependencies: ["ParleyRuntime", "ParleyPolicy", "ParleyJSON", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // parley.toml: a deployment's settings, with errors that name the key and the fix.
        .target(
            name: "ParleyConfig",
            dependencies: ["ParleyRuntime", "ParleyGraphAPI", "ParleySandbox", "ParleyScripting", "ParleyPolicy", "ParleyJSON", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // Scenarios and transcripts on a simulated clock.
        .target(
            name: "ParleySimulation",
            dependencies: ["ParleyRuntime", "ParleyIngest", "ParleyCloudAPI", "ParleySandbox", "ParleyScripting", "ParleyPolicy", "ParleyJSON"]
        ),
        // parley serve: the webhook server, the Cloud API sender, the agent API, the metrics.
        .target(
            name: "ParleyServer",
            dependencies: [
                "ParleyRuntime", "ParleyStorage", "ParleyConfig", "ParleyIngest", "ParleyCloudAPI", "ParleyGraphAPI", "ParleySandbox", "ParleyScripting", "ParleyPolicy", "ParleyJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // What a `parley` binary carries with it, so a copy runs from any folder: the Stdlib,
        // the editor annotations and the `parley init` scaffold (generated by
        // contrib/embed-files.sh), and the version.
        .target(name: "ParleyDistribution"),
        // parley test: specs for scripts, on simulated worlds.
        .target(
            name: "ParleyTesting",
            dependencies: ["ParleySimulation", "ParleyConfig", "ParleyRuntime", "ParleyCloudAPI", "ParleySandbox", "ParleyScripting", "ParleyPolicy", "ParleyJSON"]
        ),
        .executableTarget(
            name: "parley",
            dependencies: [
                "ParleyServer", "ParleyGraphAPI", "ParleyStorage", "ParleyTesting", "ParleySimulation", "ParleyConfig", "ParleyRuntime", "ParleyCloudAPI", "ParleySandbox", "ParleyPolicy", "ParleyJSON",
                "ParleyDistribution",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // parley-bench: the figures the README quotes, apart from the product.
        .executableTarget(
            name: "parley-bench",
            dependencies: [
                "ParleyServer", "ParleyTesting", "ParleySimulation", "ParleyRuntime", "ParleySandbox", "ParleyScripting", "ParleyPolicy", "ParleyJSON",
                "CBenchFloor", "ParleyGraphAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),

        .testTarget(name: "ParleyJSONTests", dependencies: ["ParleyJSON"]),
        .testTarget(name: "ParleyPolicyTests", dependencies: ["ParleyPolicy"]),
        .testTarget(name: "ParleySandboxTests", dependencies: ["ParleySandbox", "ParleyScripting", "ParleyJSON"]),
        .testTarget(name: "ParleyCloudAPITests", dependencies: ["ParleyCloudAPI", "ParleyJSON", "ParleyPolicy"]),
        .testTarget(name: "ParleyGraphAPITests", dependencies: ["ParleyGraphAPI", "ParleyCloudAPI"]),
        .testTarget(name: "ParleyTestingTests", dependencies: ["ParleyTesting", "ParleyRuntime"]),
        .testTarget(
            name: "ParleyDistributionTests",
            dependencies: ["ParleyDistribution", "ParleyTesting", "ParleyConfig", "ParleyRuntime", "ParleyScripting", "ParleySandbox", "ParleyPolicy", "ParleyJSON"]
        ),
        .testTarget(
            name: "ParleyServerTests",
            dependencies: [
                "ParleyServer", "ParleyConfig", "ParleyRuntime", "ParleyStorage", "ParleyJSON", "ParleyPolicy",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "ParleyStorageTests",
            dependencies: ["ParleyStorage", "ParleyRuntime", "ParleySimulation", "ParleySandbox", "ParleyScripting", "ParleyPolicy", "ParleyJSON",
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "ParleyRuntimeTests",
            dependencies: ["ParleyRuntime", "ParleySimulation", "ParleyConfig", "ParleyCloudAPI", "ParleyGraphAPI", "ParleyPolicy", "ParleyJSON"]
        ),
    ]
)
