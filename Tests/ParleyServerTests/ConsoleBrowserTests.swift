import Foundation
import ParleyJSON
import Testing

/// The console in a real browser: headless Chromium from Debian (`apt-get install -y
/// chromium`), driven over the DevTools protocol. Without Chromium the test fails, naming the
/// command; PARLEY_SKIP_BROWSER=1 skips it on purpose.
@Suite("Agents' console in a browser", .serialized)
struct ConsoleBrowserTests {
    static let orderMacro = """
    return macro { name = "order_status", description = "Send the order_update template", params = { "order", "status" },
      run = function(conv, args) send(conv, { template = "order_update", params = { args.order, args.status } }) end }
    """

    /// Chromium, or nil when the test is skipped on purpose; a failure names the fix.
    static func chromium() throws -> Chromium? {
        if ProcessInfo.processInfo.environment["PARLEY_SKIP_BROWSER"] == "1" { return nil }
        guard let path = Chromium.locate() else {
            throw BrowserError("headless Chromium is not installed: run `apt-get install -y chromium` (Debian), or set PARLEY_CHROMIUM to a Chromium binary; PARLEY_SKIP_BROWSER=1 skips this test on purpose")
        }
        return try Chromium(path: path)
    }

    @Test("sign in, see an escalation arrive live, claim, a blocked reply explained, a template outside the window, a macro, release; markup from a contact stays inert")
    func flow() async throws {
        guard let browser = try Self.chromium() else { return }
        defer { browser.close() }
        // A two-second window: what the contact wrote soon falls outside it.
        let deployment = try TestDeployment(scripts: ["echo.lua": echoBot, "order_status.lua": Self.orderMacro], toml: "[policy]\nwindow = \"2s\"\n",
                                            templates: consoleTemplates)
        try await Self.withServer(deployment) { server in
            let page = try await browser.newPage()
            let contact = "+14155550101"

            try await page.go(server.url + "/console/")
            #expect(try await page.evaluate("document.body.dataset.page") == "signin")
            try await page.submit("form.signin", ["token": "dana-token-0123456789"])
            #expect(try await page.text("header .who").replacingOccurrences(of: "\n", with: " ").contains("Signed in as dana"))
            try await page.waitUntil("the live stream", "document.body.dataset.live === 'on'")

            // A scripted inbound asks for a person: the queue shows it without a reload.
            try await page.evaluate("window.__samePage = true")
            _ = try await Client.webhook(server, textWebhook(from: "14155550101", text: "human", id: "wamid.in.br1"))
            try await page.waitUntil("the escalation in the queue", "document.querySelector('tr[data-contact=\"\(contact)\"]')")
            #expect(try await page.evaluate("window.__samePage") == true)
            #expect(try await page.text("tr[data-contact=\"\(contact)\"]").contains("asked for a person"))

            try await page.leaving { try await page.evaluate("document.querySelector('tr[data-contact=\"\(contact)\"] a').click()") }
            #expect(try await page.evaluate("document.body.dataset.page") == "conversation")
            try await page.submit("form.claim")
            #expect(try await page.text(".notice").contains("You hold this conversation now"))
            try await page.waitUntil("the live stream", "document.body.dataset.live === 'on'")

            // Markup from the contact arrives live, and is text.
            try await page.evaluate("window.__samePage = true")
            let attack = #"<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>"#
            _ = try await Client.webhook(server, textWebhook(from: "14155550101", text: attack, id: "wamid.in.br2"))
            try await page.waitUntil("the contact's message in the transcript", "[...document.querySelectorAll('.msg.inbound .body')].some(e => e.textContent.includes('<script>'))")
            #expect(try await page.evaluate("window.__samePage") == true)
            #expect(try await page.evaluate("typeof window.__xss") == "undefined")
            #expect(try await page.evaluate("document.querySelectorAll('.chat img, .chat script').length") == 0)

            // The window closes as the countdown says; a reply is then refused, and says why.
            try await page.waitUntil("the window to close", "document.querySelector('.status .window.closed')")
            try await page.submit("form.reply", ["text": "Are you still there?"])
            let refusal = try await page.text(".notice")
            #expect(refusal.contains("Not sent: the window with +14155550101 closed"))
            #expect(refusal.contains("outside_window, code 131047"))
            try await page.leaving { try await page.evaluate("document.querySelector('.notice a.why').click()") }
            #expect(try await page.evaluate("document.body.dataset.page") == "audit")
            #expect(try await page.text("main").contains("Refused"))
            #expect(try await page.text("table.inputs").contains("window_open"))
            try await page.go(server.url + "/console/c/%2B14155550101")

            // Outside the window, templates: with consent recorded, the picker offers them.
            _ = try await Client.post(server.url + "/agent/conversations/\(contact)/opt_in", body: "{}", headers: [("Authorization", "Bearer dana-token-0123456789")])
            try await page.go(server.url + "/console/c/%2B14155550101")
            try await page.evaluate("document.querySelector('details[data-template=\"order_update\"]').open = true")
            try await page.submit("details[data-template=\"order_update\"] form", ["body.1": "A-1001", "body.2": "on its way"])
            #expect(try await page.text(".notice").contains("Sent (template"))
            #expect(try await page.text(".chat").contains("Update on order A-1001: it is on its way."))

            try await page.submit("details[data-macro=\"order_status\"] form", ["arg.order": "A-1002", "arg.status": "delivered"])
            #expect(try await page.text(".notice").contains("Ran order_status: 1 message sent."))
            #expect(try await page.text(".chat").contains("Update on order A-1002: it is delivered."))

            try await page.submit("form.release", ["note": "sorted, thanks"])
            #expect(try await page.text(".notice").contains("Released to bot:echo."))
            try await page.go(server.url + "/console/")
            #expect(try await page.text("main").contains("Nobody is waiting."))
        }
    }

    @Test("screens of the queue and a conversation, as docs/ shows them")
    func screens() async throws {
        guard let browser = try Self.chromium() else { return }
        defer { browser.close() }
        let deployment = try TestDeployment(scripts: ["echo.lua": echoBot, "order_status.lua": Self.orderMacro], templates: consoleTemplates)
        try await Self.withServer(deployment) { server in
            for (number, text) in [("14155550101", "talk to a human please"), ("14155550123", "agent"), ("14155550177", "human please")] {
                _ = try await Client.webhook(server, textWebhook(from: number, text: text, id: "wamid.in.\(number)"))
        }
        let page = try await browser.newPage()
        try await page.go(server.url + "/console/")
        try await page.submit("form.signin", ["token": "dana-token-0123456789"])
        try await page.waitUntil("three conversations waiting", "document.querySelectorAll('table.queue tbody tr').length === 3")
        try await page.go(server.url + "/console/c/%2B14155550123")
        try await page.submit("form.claim")
        try await page.go(server.url + "/console/")
        let queue = try await page.screenshot()

        try await page.go(server.url + "/console/c/%2B14155550101")
        try await page.submit("form.claim")
        try await page.submit("form.reply", ["text": "Hi, this is Dana. Let me look at order A-1001 for you."])
        try await page.evaluate("document.querySelector('details[data-template=\"order_update\"]').open = true")
        let conversation = try await page.screenshot()
        #expect(queue.count > 10_000)
        #expect(conversation.count > 10_000)

        // The pictures in docs/ are made by this test: PARLEY_UPDATE_SCREENSHOTS=1 writes them there.
        let folder = ProcessInfo.processInfo.environment["PARLEY_UPDATE_SCREENSHOTS"] == "1"
            ? repositoryRoot.appendingPathComponent("docs") : deployment.folder
        try queue.write(to: folder.appendingPathComponent("console-queue.png"))
        try conversation.write(to: folder.appendingPathComponent("console-conversation.png"))
        }
    }

    /// Runs `body` against a running server, which then stops gracefully whatever happened.
    static func withServer(_ deployment: TestDeployment, _ body: (RunningServer) async throws -> Void) async throws {
        let server = try await RunningServer.start(deployment)
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
