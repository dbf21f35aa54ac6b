import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ParleyConfig
import ParleyJSON
import ParleyPolicy
import ParleyRuntime

/// The agents' console at `/console`: server-rendered pages, a stylesheet and a small
/// script, all served from here (no build step, no CDN).
///
///     GET  /console/                       the queue (sign-in first)
///     GET  /console/signin, POST           sign in; POST /console/signout
///     GET  /console/c/{contact}            a conversation, its actions
///     POST /console/c/{contact}/{claim,reply,template,macro,release,resolve}
///     GET  /console/messages/{id}          why a message went, or did not
///     GET  /console/events                 live updates (server-sent events)
///     GET  /console/{queue,c/{contact}}/fragment, /console/assets/...
struct ConsoleRoutes: Sendable {
    let service: RuntimeService
    let signIn: ConsoleSignIn
    let settings: ConsoleSettings
    let sessions: ConsoleSessions
    let flash = ConsoleFlash()
    let throttle = ConsoleSignInThrottle()
    let logger: Logger

    init(service: RuntimeService, deployment: DeploymentConfig, settings: ConsoleSettings, logger: Logger) {
        self.service = service
        signIn = ConsoleSignIn(settings: deployment)
        self.settings = settings
        sessions = ConsoleSessions(secret: settings.secret, length: settings.sessionLength)
        self.logger = logger
        if !settings.secretIsConfigured, signIn.off == nil {
            logger.notice("console sessions are signed with a key made at start: a restart signs every agent out; set PARLEY_CONSOLE_SECRET to keep them")
        }
    }

    func add(to router: Router<BasicRequestContext>) {
        let console = router.group("console")
        ConsoleAssets.add(to: console)
        console.get("/") { request, _ in try await page(request) { view, session in
            let queue = try await service.consoleQueue()
            return ConsoleHTTP.html(view.queuePage(queue.conversations, now: queue.now, notice: flash.take(for: session.id)))
        } }
        console.get("queue/fragment") { request, _ in try await fragment(request) { view in
            let queue = try await service.consoleQueue()
            return view.queueFragment(queue.conversations, now: queue.now)
        } }
        console.get("signin") { request, _ in
            if session(request) != nil { return ConsoleHTTP.redirect(base(request) + "/") }
            return ConsoleHTTP.html(view(request).signInPage(problem: nil, needsToken: signIn.needsToken, off: signIn.off))
        }
        console.post("signin") { request, _ in try await signingIn(request) }
        console.post("signout") { request, _ in
            var request = request
            let form = try await ConsoleForm.read(&request)
            if let session = session(request), SameOrigin.problem(request) == nil, sessions.isValidCSRF(form["csrf"], for: session) {
                sessions.signOut(session)
                logger.info("console: \(session.agent) signed out")
            }
            return ConsoleHTTP.redirect(base(request) + "/signin", cookie: ConsoleHTTP.sessionCookie("", path: base(request), maxAge: 0, secure: secure(request)))
        }
        console.get("c/:contact") { request, context in try await page(request) { view, session in
            let contact = try contact(context)
            async let conversation = service.consoleConversation(contact)
            async let offers = service.consoleTemplateOffers(contact, agent: session.agent)
            let macros = await service.consoleMacros().map { ConsoleView.Macro(name: $0.name, description: $0.description, params: $0.params) }
            return ConsoleHTTP.html(view.conversationPage(try await conversation, offers: try await offers, macros: macros, notice: flash.take(for: session.id)))
        } }
        console.get("c/:contact/fragment") { request, context in try await fragment(request) { view in
            view.conversationFragment(try await service.consoleConversation(try contact(context)))
        } }
        console.get("messages/:id") { request, context in try await page(request) { view, _ in
            let id = try context.parameters.require("id")
            return ConsoleHTTP.html(view.auditPage(id: id, records: try await service.audit(ofMessage: id).arrayValue ?? []))
        } }
        for action in ConsoleAction.allCases {
            console.post("c/:contact/\(action.rawValue)") { request, context in
                try await acting(request) { form, session in
                    let contact = try contact(context)
                    let notice = await ConsoleActions(service: service, logger: logger).run(action, on: contact, form: form, agent: session.agent)
                    flash.set(notice, for: session.id)
                    return ConsoleHTTP.redirect(base(request) + "/c/" + HTML.pathSegment(contact.description))
                }
            }
        }
        ConsoleEvents(feed: service.consoleFeed, maxStreams: settings.maxStreams)
            .add(to: console, session: { session($0) }, stands: { [sessions, signIn] in sessions.isCurrent($0) && signIn.admits($0, fingerprint: sessions.fingerprint) })
    }

    // MARK: Sessions and guards

    func session(_ request: Request) -> ConsoleSession? {
        request.cookies[ConsoleSessions.cookieName].flatMap { sessions.session(from: $0.value) }
            .flatMap { signIn.admits($0, fingerprint: sessions.fingerprint) ? $0 : nil }
    }

    /// The console's root as the browser sees it: behind a proxy, under X-Forwarded-Prefix
    /// (when it is a plain path) or the configured prefix.
    func base(_ request: Request) -> String {
        let forwarded = request.headers[HTTPField.Name("X-Forwarded-Prefix")!].flatMap(ConsoleSettings.validPrefix)
        return (forwarded ?? settings.pathPrefix) + "/console"
    }

    func view(_ request: Request, _ session: ConsoleSession? = nil) -> ConsoleView {
        ConsoleView(base: base(request), agent: session?.agent, csrf: session.map(sessions.csrfToken))
    }

    private func secure(_ request: Request) -> Bool {
        switch settings.secureCookies {
        case .always: true
        case .never: false
        case .whenHTTPS: ConsoleHTTP.isHTTPS(request)
        }
    }

    /// A page behind sign-in: without a session, the sign-in page instead.
    private func page(_ request: Request, _ body: (ConsoleView, ConsoleSession) async throws -> Response) async throws -> Response {
        guard let session = session(request) else { return ConsoleHTTP.redirect(base(request) + "/signin") }
        do {
            return try await body(view(request, session), session)
        } catch let problem as Problem {
            return ConsoleHTTP.html(view(request, session).page("Not possible", page: "problem", ConsoleView.notice(ConsoleNotice(refused: true, text: "\(problem.error). \(problem.fix)."))), status: problem.status)
        }
    }

    /// A piece of a page for live updates; 401 when signed out (the script then reloads,
    /// which leads to the sign-in page).
    private func fragment(_ request: Request, _ body: (ConsoleView) async throws -> String) async throws -> Response {
        guard let session = session(request) else { return ConsoleHTTP.html("", status: .unauthorized) }
        return ConsoleHTTP.html(try await body(view(request, session)))
    }

    /// A state-changing request: signed in, from this site, with the session's CSRF token.
    private func acting(_ request: Request, _ body: (ConsoleForm, ConsoleSession) async throws -> Response) async throws -> Response {
        var request = request
        guard let session = session(request) else {
            return ConsoleHTTP.html(view(request).page("Signed out", page: "problem",
                ConsoleView.notice(ConsoleNotice(refused: true, text: "You are signed out (the session ended, or the server restarted without PARLEY_CONSOLE_SECRET). Sign in again; nothing was done."))
                    + "<p><a href=\"\(base(request))/signin\">Sign in</a></p>"), status: .unauthorized)
        }
        if let problem = SameOrigin.problem(request) { return refusedAsCrossSite(request, session, problem) }
        let form = try await ConsoleForm.read(&request)
        guard sessions.isValidCSRF(form["csrf"], for: session) else {
            return refusedAsCrossSite(request, session, "the form does not carry this session's token (it came from another page, or from before you signed in again)")
        }
        return try await body(form, session)
    }

    private func refusedAsCrossSite(_ request: Request, _ session: ConsoleSession, _ problem: String) -> Response {
        logger.warning("console: a request for \(session.agent) refused: \(problem)")
        return ConsoleHTTP.html(view(request, session).page("Refused", page: "problem",
            ConsoleView.notice(ConsoleNotice(refused: true, text: "Refused, nothing was done: \(problem). Reload the console and use its own forms.", code: "csrf"))),
            status: .forbidden)
    }

    private func signingIn(_ request: Request) async throws -> Response {
        var request = request
        if let problem = SameOrigin.problem(request) {
            return ConsoleHTTP.html(view(request).signInPage(problem: "Refused: \(problem).", needsToken: signIn.needsToken, off: signIn.off), status: .forbidden)
        }
        let form = try await ConsoleForm.read(&request)
        if let wait = throttle.wait() {
            let seconds = max(Int(wait.components.seconds), 1)
            logger.warning("console: sign-in refused: \(throttle.limit) failed sign-ins in the last minute")
            var response = ConsoleHTTP.html(view(request).signInPage(problem: "Too many failed sign-ins in the last minute: try again in \(seconds) s.",
                                                                     named: form["name"] ?? "", needsToken: signIn.needsToken, off: signIn.off),
                                            status: .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        switch signIn.signIn(name: form["name"], token: form["token"]) {
        case .success(let (agent, credential)):
            let started = sessions.start(agent: agent, credential: credential)
            logger.info("console: \(agent) signed in")
            let cookie = ConsoleHTTP.sessionCookie(started.cookie, path: base(request), maxAge: Int(settings.sessionLength), secure: secure(request))
            return ConsoleHTTP.redirect(base(request) + "/", cookie: cookie)
        case .failure(let problem):
            throttle.failed()
            return ConsoleHTTP.html(view(request).signInPage(problem: problem.message, named: form["name"] ?? "", needsToken: signIn.needsToken, off: signIn.off),
                                    status: .unauthorized)
        }
    }

    private func contact(_ context: BasicRequestContext) throws -> ContactID {
        let raw = try context.parameters.require("contact").removingPercentEncoding ?? ""
        guard let contact = ContactID(raw) else {
            throw Problem(.badRequest, "\"\(raw.prefix(64))\" is not a phone number or a business-scoped user id", fix: "open the conversation from the queue")
        }
        return contact
    }
}
