import Foundation
import Logging
import ParleyConfig
import ParleyJSON
import ParleyRuntime
import ParleyServer
import Testing

/// Live mode checks every webhook's signature: without PARLEY_APP_SECRET anyone who reaches
/// `/webhook` could make the bot message any number. Only `--allow-unsigned-webhooks`, said
/// on the command line each start, lets it run unchecked, and then it says so.
@Suite("Webhook signatures", .serialized)
struct WebhookSignatureTests {
    @Test("live mode without PARLEY_APP_SECRET does not start, and says what to set")
    func liveNeedsSecret() async throws {
        let error = #expect(throws: ConfigError.self) {
            try TestDeployment(scripts: ["echo.lua": echoBot], live: "http://127.0.0.1:9", secret: nil).server()
        }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("PARLEY_APP_SECRET is not set"))
        #expect(message.contains("--allow-unsigned-webhooks"))
    }

    @Test("parley serve, live without PARLEY_APP_SECRET: exit status 2, naming the variable and the fix")
    func commandLineRefuses() async throws {
        let folder = try deploymentFolder("nosecret", scripts: ["echo.lua": echoBot], toml: liveConfig("http://127.0.0.1:9"))
        var environment = liveEnvironment
        environment["PARLEY_APP_SECRET"] = ""
        let error = await #expect(throws: ServeProcessError.self) {
            try await ServeProcess.launch(folder, environment: environment)
        }
        #expect(error?.description.contains("exited (2)") == true)
        #expect(error?.description.contains("PARLEY_APP_SECRET is not set") == true)
        #expect(error?.description.contains("Set PARLEY_APP_SECRET to the app's secret") == true)
    }

    @Test("--allow-unsigned-webhooks: live mode starts, warns, answers an unsigned webhook, and /health says so")
    func allowedUnsigned() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        let folder = try deploymentFolder("unsigned", scripts: ["echo.lua": echoBot], toml: liveConfig(graphURL))
        var environment = liveEnvironment
        environment["PARLEY_APP_SECRET"] = ""
        let serve = try await ServeProcess.launch(folder, environment: environment, arguments: ["--allow-unsigned-webhooks"])
        #expect(serve.errors.contains("warning"))
        #expect(serve.errors.contains("--allow-unsigned-webhooks: webhook signatures are NOT checked"))

        let health = await serve.health()
        #expect(health?["ok"] == true)
        #expect(health?["webhook_signatures"] == "not checked (--allow-unsigned-webhooks)")
        let unsigned = try await Client.post(serve.url + "/webhook", body: textWebhook(from: "14155550101", text: "hi", id: "wamid.unsigned.1"))
        #expect(unsigned.status == 200)
        try await graph.waitUntil("the answer sent") { await $0.received.contains { $0.body["text"]?["body"] == "echo: hi" } }
        #expect(await serve.terminate() == 0)
    }

    @Test("in process: the flag is carried in the settings, and the warning is logged at start")
    func inProcessWarning() async throws {
        let graph = FakeGraphAPI()
        let graphURL = try await graph.start()
        let logs = LogRecorder()
        let deployment = try TestDeployment(scripts: ["echo.lua": echoBot], live: graphURL, secret: nil, allowUnsigned: true)
        try await deployment.withRoutes(ServerOptions(logger: logs.logger)) { routes in
            #expect(logs.messages(at: .warning).contains { $0.contains("--allow-unsigned-webhooks") && $0.contains("private test network") })
            #expect(routes.service.settings.server.allowUnsignedWebhooks)
        }
    }

    @Test("the sandbox runs without a secret, and /health says signatures are not checked")
    func sandboxWithoutSecret() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot], secret: nil).withRoutes { routes in
            let health = try await routes.get("/health").json
            #expect(health["ok"] == true)
            #expect(health["webhook_signatures"] == "not checked (sandbox: no PARLEY_APP_SECRET)")
            #expect(try await routes.post("/webhook", body: textWebhook(from: "14155550101", text: "hi", id: "wamid.sb.1")).status == 200)
        }
    }

    @Test("the toml file cannot allow unsigned webhooks")
    func notFromTheFile() throws {
        let error = #expect(throws: ConfigError.self) {
            try ConfigFile.parseDeployment("[server]\nallow_unsigned_webhooks = true\n")
        }
        #expect(error?.message.contains("allow_unsigned_webhooks") == true, "\(String(describing: error))")
    }
}
