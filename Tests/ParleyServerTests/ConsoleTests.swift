import Foundation
import ParleyJSON
import ParleyRuntime
@testable import ParleyServer
import Testing

@Suite("Agents' console", .serialized)
struct ConsoleTests {
    let contact = "+14155550101"

    @Test("sign-in: a per-agent token names its agent, a wrong one is refused in words, and pages need a session")
    func signIn() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot]).withRoutes { routes in
            var browser = ConsoleBrowser(routes)
            let bounced = try await browser.get("/console/")
            #expect(bounced.status == 303)
            #expect(bounced.headers[.location] == "/console/signin")
            #expect(try await browser.get("/console").headers[.location] == "/console/signin")
            #expect(try await browser.get("/console/signin").body.contains(#"name="token""#))

            let wrong = try await browser.signIn(name: "dana", token: "not-a-token")
            #expect(wrong.status == 401)
            #expect(wrong.body.contains("That token is not an agent token"))
            #expect(browser.cookie == nil)
            let posing = try await browser.signIn(name: "eve", token: "dana-token-0123456789")
            #expect(posing.body.contains("This token is dana&#39;s, not eve&#39;s"))
            let nameless = try await browser.signIn(name: "", token: "agent-token")
            #expect(nameless.body.contains("Enter your name."))

            let signedIn = try await browser.signIn(token: "dana-token-0123456789")
            #expect(signedIn.status == 303)
            let setCookie = signedIn.headers[.setCookie] ?? ""
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            #expect(setCookie.contains("Path=/console"))
            #expect(!setCookie.contains("Secure"))  // plain http here; https or PARLEY_CONSOLE_SECURE_COOKIES=always adds it
            let queue = try await browser.get("/console/")
            #expect(queue.status == 200)
            #expect(queue.body.contains("Signed in as <strong>dana</strong>"))
            #expect(queue.headers[.init("Content-Security-Policy")!]?.contains("script-src 'self'") == true)

            // The shared token with a name signs in as that name.
            var shared = ConsoleBrowser(routes)
            try await shared.signIn(name: "frank", token: "agent-token")
            #expect(try await shared.get("/console/").body.contains("Signed in as <strong>frank</strong>"))

            // A cookie altered by a byte is no session.
            var forged = browser
            var bytes = Array(browser.cookie!.utf8)
            let middle = bytes.count - 20  // inside the signature, clear of its last character's padding bits
            bytes[middle] = bytes[middle] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            forged.cookie = String(decoding: bytes, as: UTF8.self)
            #expect(try await forged.get("/console/").status == 303)

            // Signed out, the same cookie no longer works.
            let out = try await browser.post("/console/signout", [:])
            #expect(out.status == 303)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await browser.get("/console/").status == 303)
        }
    }

    @Test("a form without the session's token, or from another site, does nothing and says why")
    func crossSiteRefused() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot]).withRoutes { routes in
            var browser = ConsoleBrowser(routes)
            try await browser.signIn(token: "dana-token-0123456789")
            let path = "/console/c/\(contact)/claim"

            let noToken = try await browser.post(path, [:], csrf: "")
            #expect(noToken.status == 403)
            #expect(noToken.body.contains("does not carry this session&#39;s token"))
            let otherSite = try await browser.post(path, [:], extra: [("Origin", "https://evil.example")])
            #expect(otherSite.status == 403)
            #expect(otherSite.body.contains("not from this site"))
            let fetchSite = try await browser.post(path, [:], extra: [("Sec-Fetch-Site", "cross-site")])
            #expect(fetchSite.status == 403)
            #expect(try await routes.agent("conversations/\(contact)").json["handoff"] == nil)  // nothing was claimed

            // Another agent's token is no good either.
            var eve = ConsoleBrowser(routes)
            try await eve.signIn(token: "eve-token-01234567890")
            let borrowed = try await browser.post(path, [:], csrf: try await eve.token())
            #expect(borrowed.status == 403)

            let signedOut = try await ConsoleBrowser(routes).post(path, ["csrf": "x"])
            #expect(signedOut.status == 401)
            #expect(signedOut.body.contains("You are signed out"))

            let page = try await browser.act("claim", on: contact)
            #expect(notice(in: page)?.contains("You hold this conversation now") == true)
        }
    }

    @Test("a contact's message is shown as text: markup in it is escaped everywhere")
    func escaping() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot]).withRoutes { routes in
            var browser = ConsoleBrowser(routes)
            try await browser.signIn(token: "dana-token-0123456789")
            let attack = #"<img src=x onerror=alert(1)><script>alert(2)</script>"#
            _ = try await routes.webhook(textWebhook(from: "14155550101", text: "human", id: "wamid.in.x1"))
            _ = try await routes.webhook(textWebhook(from: "14155550101", text: attack.replacingOccurrences(of: "\"", with: "\\\""), id: "wamid.in.x2"))
            try await routes.settled()
            let page = try await browser.get("/console/c/\(contact)").body
            #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;"))
            #expect(!page.contains("<img"))
            #expect(!page.contains("<script>alert"))
            let fragment = try await browser.get("/console/c/\(contact)/fragment").body
            #expect(fragment.contains("&lt;script&gt;"))
            #expect(!fragment.contains("<script"))
        }
    }

    @Test("queue: who waits, for how long, why, the window and the flags; then who holds what")
    func queue() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot]).withRoutes { routes in
            var browser = ConsoleBrowser(routes)
            try await browser.signIn(token: "dana-token-0123456789")
            #expect(try await browser.get("/console/").body.contains("Nobody is waiting."))
            _ = try await routes.webhook(textWebhook(from: "14155550101", text: "human", id: "wamid.in.q1"))
            _ = try await routes.webhook(textWebhook(from: "14155550102", text: "agent please", id: "wamid.in.q2"))
            try await routes.settled()
            let queue = try await browser.get("/console/").body
            #expect(queue.contains("Waiting for a person <span class=\"count\">2</span>"))
            #expect(queue.contains(#"href="/console/c/%2B14155550101""#))
            #expect(queue.contains("data-seconds="))   // the window's live countdown
            #expect(queue.contains("no opt-in"))
            #expect(queue.contains("keyword"))        // why a person: the escalation's reason

            _ = try await browser.act("claim", on: contact)
            let after = try await browser.get("/console/queue/fragment").body
            #expect(after.contains("Waiting for a person <span class=\"count\">1</span>"))
            #expect(after.contains("Yours <span class=\"count\">1</span>"))
        }
    }

    @Test("every action through the console: claim, take over, reply, template, macro, release, resolve; refusals in words")
    func actions() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot, "thanks.lua": thanksMacro], templates: consoleTemplates).withRoutes { routes in
            var dana = ConsoleBrowser(routes)
            try await dana.signIn(token: "dana-token-0123456789")
            var eve = ConsoleBrowser(routes)
            try await eve.signIn(token: "eve-token-01234567890")
            _ = try await routes.webhook(textWebhook(from: "14155550101", text: "human", id: "wamid.in.a1"))
            try await routes.settled()

            #expect(notice(in: try await dana.act("claim", on: contact))?.contains("You hold this conversation now (queue support)") == true)
            let conflict = try await eve.act("claim", on: contact)
            #expect(notice(in: conflict)?.contains("dana holds this conversation. Ask dana, or tick “take it over”") == true)
            #expect(conflict.contains("409 claimed by dana"))
            #expect(conflict.contains(#"name="take_over""#))
            #expect(notice(in: try await eve.act("claim", on: contact, ["take_over": "1"]))?.contains("You hold this conversation now") == true)
            _ = try await dana.act("claim", on: contact, ["take_over": "1"])

            let replied = try await dana.act("reply", on: contact, ["text": "Hi, Dana here"])
            #expect(notice(in: replied)?.contains("Sent (session") == true)
            #expect(replied.contains("Hi, Dana here"))
            #expect(notice(in: try await dana.act("reply", on: contact, ["text": "  "]))?.contains("the reply is empty") == true)

            // The picker offers what would send now, and lists the rest with the reason.
            let offered = try await dana.get("/console/c/\(contact)").body
            #expect(offered.contains(#"data-template="order_update""#))
            #expect(offered.contains(#"name="body.2""#))
            #expect(!offered.contains(#"data-template="spring_sale""#))
            #expect(offered.contains("to which the platform delivers no MARKETING templates"))
            #expect(offered.contains("us_marketing_paused"))
            let sent = try await dana.act("template", on: contact, ["template": "order_update", "language": "en_US", "body.1": "A1", "body.2": "shipped"])
            #expect(notice(in: sent)?.contains("Sent (template") == true)
            #expect(sent.contains("Update on order A1: it is shipped."))
            let short = try await dana.act("template", on: contact, ["template": "order_update", "language": "en_US", "body.1": "A1"])
            #expect(notice(in: short)?.contains("Not sent") == true)
            #expect(short.contains("template_param_format, code 132012"))

            // A macro's form is made from its params.
            #expect(offered.contains(#"data-macro="thanks""#))
            #expect(offered.contains(#"name="arg.name""#))
            let missing = try await dana.act("macro", on: contact, ["macro": "thanks"])
            #expect(notice(in: missing)?.contains("Not run: thanks needs name. Nothing was sent.") == true)
            let ran = try await dana.act("macro", on: contact, ["macro": "thanks", "arg.name": "Ana"])
            #expect(notice(in: ran)?.contains("Ran thanks: 1 message sent.") == true)
            #expect(notice(in: try await dana.act("macro", on: contact, ["macro": "nope"]))?.contains("Not run") == true)

            let released = try await dana.act("release", on: contact, ["note": "all sorted"])
            #expect(notice(in: released)?.contains("Released to bot:echo.") == true)
            let resolved = try await dana.act("resolve", on: contact, ["note": "done"])
            #expect(notice(in: resolved) != nil)
            #expect(try await dana.act("claim", on: "not-a-number").contains("is not a phone number"))
        }
    }

    @Test("a reply outside the window is refused in words, with its reason code and the audit behind it")
    func blockedReplyExplained() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot], toml: "[policy]\nwindow = \"1s\"\n").withRoutes { routes in
            var dana = ConsoleBrowser(routes)
            try await dana.signIn(token: "dana-token-0123456789")
            _ = try await routes.webhook(textWebhook(from: "14155550101", text: "human", id: "wamid.in.b1"))
            try await routes.settled()
            _ = try await dana.act("claim", on: contact)
            // Waits for the one-second window to close: a condition, not a measure.
            #expect(try await eventually(30) { try await routes.agent("conversations/\(contact)").json["in_window"] == false })
            let page = try await dana.act("reply", on: contact, ["text": "Still there?"])
            let words = notice(in: page) ?? ""
            #expect(words.contains("Not sent: the window with +14155550101 closed"))
            #expect(words.contains("outside_window, code 131047"))
            #expect(page.contains("window closed: templates only"))
            #expect(page.contains(#"<strong>Not sent</strong>"#))
            // The notice's own "why?" link, relative to the conversation's page.
            guard let link = page.range(of: #"href="../messages/"#) else { Issue.record("no why link in \(page)"); return }
            let id = String(page[link.upperBound...].prefix { $0 != "\"" })
            let why = try await dana.get("/console/messages/\(id)").body
            #expect(why.contains("<strong>Refused</strong>"))
            #expect(why.contains("window_open"))
            #expect(why.contains("Back to +14155550101"))
        }
    }

    @Test("behind a path prefix: links, assets and the cookie follow X-Forwarded-Prefix, and a forged one is ignored")
    func pathPrefix() async throws {
        try await TestDeployment(scripts: ["echo.lua": echoBot]).withRoutes { routes in
            var browser = ConsoleBrowser(routes)
            browser.headers.append(("X-Forwarded-Prefix", "/parley"))
            let signedIn = try await browser.signIn(token: "dana-token-0123456789")
            #expect(signedIn.headers[.location] == "/parley/console/")
            #expect(signedIn.headers[.setCookie]?.contains("Path=/parley/console;") == true)
            let page = try await browser.get("/console/").body
            #expect(page.contains(#"href="/parley/console/assets/console.css""#))
            #expect(page.contains(#"action="/parley/console/signout""#))
            let forged = try await browser.get("/console/", extra: [("X-Forwarded-Prefix", #""><script>alert(1)</script>"#)]).body
            #expect(!forged.contains("<script>alert"))
            #expect(try await browser.get("/console/assets/console.js").body.contains("EventSource"))
        }
    }
}

@Suite("Console pieces")
struct ConsolePieceTests {
    @Test("HTML escaping leaves no markup, and path segments are percent-encoded")
    func escaping() {
        #expect(HTML.escape(#"<a href="x" onclick='y'>&</a>"#) == "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        #expect(HTML.pathSegment("+1 415/\"x\"") == "%2B1%20415%2F%22x%22")
    }

    @Test("a session cookie holds only while signed, unexpired and not signed out")
    func sessions() {
        let sessions = ConsoleSessions(secret: Array("a secret of sixteen+".utf8), length: 60)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let (session, cookie) = sessions.start(agent: "dana", now: now)
        #expect(sessions.session(from: cookie, now: now) == session)
        #expect(sessions.session(from: cookie, now: now.addingTimeInterval(61)) == nil)
        #expect(ConsoleSessions(secret: Array("another secret of 16".utf8), length: 60).session(from: cookie, now: now) == nil)
        #expect(sessions.session(from: "x.y", now: now) == nil)
        #expect(sessions.isValidCSRF(sessions.csrfToken(for: session), for: session))
        #expect(!sessions.isValidCSRF("nope", for: session))
        sessions.signOut(session, now: now)
        #expect(sessions.session(from: cookie, now: now) == nil)
    }

    @Test("a session ends when the token it was signed in with leaves the configuration")
    func revokedToken() throws {
        let sessions = ConsoleSessions(secret: Array("a secret of sixteen+".utf8), length: 3600)
        let before = ConsoleSignIn(sharedToken: "shared-token-0123456789", agentTokens: ["eve-token-0123456789": "eve"], sandbox: false)
        let (agent, credential) = try before.signIn(name: nil, token: "eve-token-0123456789").get()
        let eve = sessions.start(agent: agent, credential: credential).session
        let (_, shared) = try before.signIn(name: "dana", token: "shared-token-0123456789").get()
        let dana = sessions.start(agent: "dana", credential: shared).session
        #expect(before.admits(eve, fingerprint: sessions.fingerprint))
        #expect(before.admits(dana, fingerprint: sessions.fingerprint))
        // Eve's token is taken out, and the shared token changed; the same secret signs cookies.
        let after = ConsoleSignIn(sharedToken: "new-shared-token-0123", agentTokens: [:], sandbox: false)
        #expect(!after.admits(eve, fingerprint: sessions.fingerprint))
        #expect(!after.admits(dana, fingerprint: sessions.fingerprint))
        #expect(!eve.credential.contains("eve-token"), "the cookie carries a fingerprint, not the token")
    }

    @Test("sign-in without tokens: the sandbox takes a name, a live deployment turns the console off")
    func signInWithoutTokens() throws {
        let sandbox = ConsoleSignIn(sharedToken: nil, agentTokens: [:], sandbox: true)
        #expect(try sandbox.agent(name: " ana ", token: nil).get() == "ana")
        #expect(throws: SignInProblem.self) { try sandbox.agent(name: "<ana>", token: nil).get() }
        let live = ConsoleSignIn(sharedToken: nil, agentTokens: [:], sandbox: false)
        #expect(live.off?.contains("PARLEY_AGENT_TOKENS") == true)
        #expect(throws: SignInProblem.self) { try live.agent(name: "ana", token: "x").get() }
    }

    @Test("forms decode as browsers encode them")
    func forms() {
        let form = ConsoleForm("text=Hi+there%21%0A%3Cb%3E&empty=&text=second&bad=%zz")
        #expect(form["text"] == "Hi there!\n<b>")
        #expect(form["empty"] == "")
        #expect(form["bad"] == "%zz")
    }

    @Test("settings: a short secret, an odd prefix or cookie mode are refused with the fix")
    func settings() throws {
        #expect(throws: ConfigError.self) { try ConsoleSettings.fromEnvironment(["PARLEY_CONSOLE_SECRET": "short"]) }
        #expect(throws: ConfigError.self) { try ConsoleSettings.fromEnvironment(["PARLEY_CONSOLE_PREFIX": "/a/<b>"]) }
        #expect(throws: ConfigError.self) { try ConsoleSettings.fromEnvironment(["PARLEY_CONSOLE_SECURE_COOKIES": "maybe"]) }
        let fine = try ConsoleSettings.fromEnvironment(["PARLEY_CONSOLE_SECRET": "0123456789abcdef", "PARLEY_CONSOLE_PREFIX": "/parley/", "PARLEY_CONSOLE_SECURE_COOKIES": "always"])
        #expect(fine.pathPrefix == "/parley")
        #expect(fine.secureCookies == .always)
        #expect(fine.secretIsConfigured)
        #expect(!(try ConsoleSettings.fromEnvironment([:])).secretIsConfigured)
    }
}
