import Foundation
import GRDB
import ParleyJSON
import ParleySandbox
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
    let config: RuntimeConfig

    init(scripts: [String: String], config: RuntimeConfig = RuntimeConfig()) throws {
        self.config = config
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
        store = try SQLiteStore(path: database)
        if store.catalog.count == 0 {
            try store.transaction {
                try store.save(TemplateCatalog([Template(name: "order_update", language: "en_US", category: .utility, body: "Order {{1}} is {{2}}.")]))
            }
        }
        channel = RecordingChannel()
        runtime = try Runtime(config: config, clock: clock, store: store, channel: channel)
        runtime.onRecord = { [unowned self] in records.append($0) }
        let modules = ModuleLibrary(stdlib: repositoryRoot.appendingPathComponent("Stdlib"), scripts: folder)
        let (scripts, problems) = try ScriptSet.load(from: folder, setup: runtime.scriptSetup(modules: modules))
        #expect(problems.isEmpty, "\(problems)")
        runtime.install(scripts)
    }

    /// Work in one transaction, as the server runs events.
    func event<T>(_ body: () throws -> T) throws -> T {
        try runtime.transaction(body)
    }

    /// One event, in one transaction.
    @discardableResult
    func handle(_ event: RuntimeEvent) throws -> EventOutcome {
        try runtime.transaction { try runtime.handle(event) }
    }

    func advance(_ span: Span) throws {
        try handle(.clock(clock.now + span))
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
        try d.handle(.inbound(Inbound(from: alice, content: .text("remind me"))))
        try d.boot()   // a crash and a restart: nothing was shut down cleanly
        try d.advance(.hours(3))
        try d.handle(.inbound(Inbound(from: alice, content: .text("again"))))
        #expect(d.sentTexts == ["seen 1", "reminder 1", "seen 2"])
        #expect(d.records.last?["id"] == "out-3")   // ids carry on, never reused
    }

    @Test("paced messages still go after a restart, each exactly once")
    func outboxSurvives() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        try d.handle(.inbound(Inbound(from: alice, content: .text("burst"))))
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
            try d.event {
                try d.runtime.handle(.inbound(Inbound(from: alice, content: .text("remind me"))))
                throw Crash()
            }
        }
        try d.boot()
        #expect(try d.store.conversation(alice) == nil)
        #expect(try d.store.agendaItems().isEmpty)
        try d.handle(.inbound(Inbound(from: alice, content: .text("remind me"))))
        #expect(try d.store.conversation(alice)?.state["seen"] == 1)
    }

    @Test("the messaging limit still counts after a restart")
    func ledgerSurvives() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        let template = OutboundMessage.template(TemplateRequest(name: "order_update", body: .positional(["A1", "late"])))
        try d.handle(.tier(.limited(2)))
        for n in 0..<2 {
            let contact = ContactID("+1415555020\(n)")!
            try d.event {
                try d.runtime.handle(.optIn(contact))
                try d.runtime.handle(.agentReply(template, to: contact.value))
            }
        }
        try d.boot()
        try d.event {
            try d.runtime.handle(.optIn(ContactID("+14155550209")!))
            try d.runtime.handle(.agentReply(template, to: "+14155550209"))
        }
        #expect(d.records.last?["reason"] == "messaging_limit")
    }

    @Test("a retried webhook message is handled once, even after a restart")
    func dedupeSurvives() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        try d.handle(.inbound(Inbound(id: "wamid.1", from: alice, content: .text("hi"))))
        try d.boot()
        try d.handle(.inbound(Inbound(id: "wamid.1", from: alice, content: .text("hi"))))
        #expect(d.sentTexts == ["seen 1"])
    }

    @Test("the audit trail is kept, and answers why a message was blocked")
    func auditSurvives() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        var id = ""
        id = try d.handle(.agentReply(.text("hello?"), to: alice.value)).sendOutcome?.id ?? ""
        try d.boot()
        let records = try d.runtime.audit(ofMessage: id)
        #expect(records.first?["reason"] == "outside_window")
        #expect(records.first?["code"] == 131047)
        #expect(try d.runtime.audit(ofContact: alice).count == 1)
    }

    @Test("the template catalog and the account keep their changes")
    func settingsSurvive() throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        try d.event {
            try d.runtime.handle(.templateStatus(TemplateKey(name: "order_update", language: "en_US"), .paused))
            try d.runtime.handle(.numberStatus(.flagged))
        }
        try d.boot()
        #expect(d.store.catalog[TemplateKey(name: "order_update", language: "en_US")]?.pauseCount == 1)
        #expect(d.store.account.numberStatus == .flagged)
    }
}

/// A store that fails in the middle of a batch, as a full disk would, and a server that
/// tries the same batch again on the same runtime: the runtime's memory must be what the
/// store kept, no more.
@Suite("Durable state: a failed batch tried again")
struct FailedBatchTests {
    let bob = ContactID("+14155550102")!
    let carol = ContactID("+14155550103")!
    var template: OutboundMessage { .template(TemplateRequest(name: "order_update", body: .positional(["A1", "late"]))) }

    /// Alice sets a timer, Bob is sent a template that counts toward the limit, then Carol's
    /// message meets the failing disk.
    func batch(_ d: Deployment) throws {
        try d.runtime.handle(.inbound(Inbound(id: "wamid.alice", from: alice, content: .text("remind me"))))
        try d.runtime.handle(.optIn(bob))
        try d.runtime.handle(.agentReply(template, to: bob.value))
        try d.runtime.handle(.inbound(Inbound(id: "wamid.carol", from: carol, content: .text("hi"))))
    }

    @Test("the retry fires the timer once and counts the contact once", arguments: [false, true])
    func retriedOnTheSameRuntime(restartAfterwards: Bool) throws {
        let d = try Deployment(scripts: ["b.lua": timerBot])
        try d.handle(.tier(.limited(2)))
        let disk = try DatabaseQueue(path: d.database)
        try disk.write { db in
            try db.execute(sql: """
                CREATE TRIGGER disk_full BEFORE INSERT ON inbound_seen WHEN NEW.id = 'wamid.carol'
                BEGIN SELECT RAISE(ABORT, 'disk full (injected)'); END
                """)
        }
        #expect(throws: DatabaseError.self) { try d.event { try batch(d) } }
        let recordsBefore = d.records.count
        #expect(!d.records.contains { $0.type == "inbound" }, "a failed batch's records are never told")

        try disk.write { db in try db.execute(sql: "DROP TRIGGER disk_full") }
        try d.event { try batch(d) }
        #expect(d.records.count > recordsBefore)
        #expect(try d.store.limitCounts(after: start - .days(1)).map(\.contact) == [bob])
        #expect(try d.store.agendaItems().count == 1)
        #expect(d.runtime.pendingWork == 1, "memory holds the one timer the store holds")

        if restartAfterwards { try d.boot() }
        try d.advance(.hours(3))
        #expect(d.sentTexts.filter { $0 == "reminder 1" }.count == 1)

        // Bob is counted once, and still counts: one more contact fills the limit of 2.
        let dave = ContactID("+14155550104")!, erin = ContactID("+14155550105")!
        for contact in [dave, erin] {
            try d.handle(.optIn(contact))
            try d.handle(.agentReply(template, to: contact.value))
        }
        let refused = d.records.filter { $0.type == "blocked" }.compactMap { $0["to"]?.stringValue }
        #expect(refused == [erin.value])
    }
}
