import Foundation
import ParleyJSON
import ParleyLua
import ParleyPolicy
import ParleyRuntime
import ParleyStorage
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let start = Instant(iso8601: "2026-01-05T09:00:00Z")!
let alice = ContactID("+14155550101")!

/// A runtime on an SQLite file, as a live deployment has, with a manual clock: made,
/// dropped without a goodbye (a crash), and made again on the same file.
final class Deployment {
    let folder: URL
    let database: String
    var clock: ManualClock
    var store: SQLiteStore!
    var runtime: Runtime!
    var channel = RecordingChannel()
    var records: [TranscriptRecord] = []

    init(scripts: [String: String]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, source) in scripts { try source.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        database = folder.appendingPathComponent("parley.sqlite").path
        clock = ManualClock(start)
        try boot()
    }

    /// Starts (or restarts) on the database file, at the clock's current time.
    func boot() throws {
        runtime = nil
        store = nil
        store = try SQLiteStore(path: database, now: clock.now)
        if store.catalog.count == 0 {
            try store.transaction {
                store.catalog = TemplateCatalog([Template(name: "order_update", language: "en_US", category: .utility, body: "Order {{1}} is {{2}}.")])
            }
        }
        channel = RecordingChannel()
        runtime = Runtime(clock: clock, store: store, channel: channel)
        runtime.onRecord = { [unowned self] in records.append($0) }
        let modules = ModuleLibrary(stdlib: repositoryRoot.appendingPathComponent("Stdlib"), scripts: folder)
        let (scripts, problems) = try ScriptSet.load(from: folder, setup: runtime.scriptSetup(modules: modules))
        #expect(problems.isEmpty, "\(problems)")
        runtime.install(scripts)
    }

    /// One event, in one transaction, as the server runs them.
    func event(_ body: () -> Void) throws {
        try store.transaction { body() }
    }

    func advance(_ span: Span) throws {
        try store.transaction { runtime.advance(to: clock.now + span) }
    }

    var sentTexts: [String] { records.filter { $0.type == "sent" }.compactMap { $0["text"]?.stringValue } }
}

let timerBot = """
return bot {
  name = "b",
  escalation = { queue = "support" },
  on_message = function(conv, msg)
    conv.state.seen = (conv.state.seen or 0) + 1
    send(conv, "seen " .. conv.state.seen)
    if msg.text == "remind me" then schedule(conv, "2h", "reminder", { n = conv.state.seen }) end
    if msg.text == "burst" then for i = 1, 48 do send(conv, "burst " .. i) end end
  end,
  on_timer = function(conv, name, data) send(conv, name .. " " .. data.n) end,
}
"""

@Suite("Durable state: restarts")
struct RestartTests {
    @Test("conversation state, timers and the counter survive a restart")
    func timersSurvive() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        try d.event { d.runtime.receive(Inbound(from: alice, content: .text("remind me"))) }
        try d.boot()   // a crash and a restart: nothing was shut down cleanly
        try d.advance(.hours(3))
        try d.event { d.runtime.receive(Inbound(from: alice, content: .text("again"))) }
        #expect(d.sentTexts == ["seen 1", "reminder 1", "seen 2"])
        #expect(d.records.last?["id"] == "out-3")   // ids carry on, never reused
    }

    @Test("paced messages still go after a restart, each exactly once")
    func outboxSurvives() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        try d.event { d.runtime.receive(Inbound(from: alice, content: .text("burst"))) }
        #expect(d.channel.count == 45)   // a burst of 45 to one contact: "seen 1" and 44; 4 wait for the pair rate
        try d.boot()
        try d.advance(.minutes(1))
        #expect(d.channel.count == 4)
        let all = d.sentTexts
        #expect(all.filter { $0.hasPrefix("burst") }.count == 48)
        #expect(Set(all).count == all.count)
    }

    @Test("an event that fails half-way leaves nothing behind, and runs again whole")
    func rollback() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        struct Crash: Error {}
        #expect(throws: Crash.self) {
            try d.store.transaction {
                d.runtime.receive(Inbound(from: alice, content: .text("remind me")))
                throw Crash()
            }
        }
        try d.boot()
        #expect(d.store.conversation(alice) == nil)
        #expect(d.store.agendaItems().isEmpty)
        try d.event { d.runtime.receive(Inbound(from: alice, content: .text("remind me"))) }
        #expect(d.store.conversation(alice)?.state["seen"] == 1)
    }

    @Test("the messaging limit still counts after a restart")
    func ledgerSurvives() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        let template = OutboundMessage.template(TemplateRequest(name: "order_update", body: .positional(["A1", "late"])))
        try d.event { d.runtime.setTier(.limited(2)) }
        for n in 0..<2 {
            let contact = ContactID("+1415555020\(n)")!
            try d.event {
                d.runtime.optIn(contact)
                d.runtime.agentReply(template, to: contact.value)
            }
        }
        try d.boot()
        try d.event {
            d.runtime.optIn(ContactID("+14155550209")!)
            d.runtime.agentReply(template, to: "+14155550209")
        }
        #expect(d.records.last?["reason"] == "messaging_limit")
    }

    @Test("a retried webhook message is handled once, even after a restart")
    func dedupeSurvives() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        try d.event { d.runtime.receive(Inbound(id: "wamid.1", from: alice, content: .text("hi"))) }
        try d.boot()
        try d.event { d.runtime.receive(Inbound(id: "wamid.1", from: alice, content: .text("hi"))) }
        #expect(d.sentTexts == ["seen 1"])
    }

    @Test("the audit trail is kept, and answers why a message was blocked")
    func auditSurvives() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        var id = ""
        try d.event { id = d.runtime.agentReply(.text("hello?"), to: alice.value).id }
        try d.boot()
        let records = d.runtime.audit(ofMessage: id)
        #expect(records.first?["reason"] == "outside_window")
        #expect(records.first?["code"] == 131047)
        #expect(d.runtime.audit(ofContact: alice).count == 1)
    }

    @Test("the template catalog and the account keep their changes")
    func settingsSurvive() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        try d.event {
            try? d.runtime.templateStatus(TemplateKey(name: "order_update", language: "en_US"), .paused)
            d.runtime.setNumberStatus(.flagged)
        }
        try d.boot()
        #expect(d.store.catalog[TemplateKey(name: "order_update", language: "en_US")]?.pauseCount == 1)
        #expect(d.store.account.numberStatus == .flagged)
    }
}
