import ParleyCloudAPI
import ParleyJSON
import ParleyRuntime
import ParleyPolicy

/// Webhook bodies that end the process, set aside so they do not end it again: after a
/// restart the backlog is worked through one body at a time, each attempt counted first,
/// and a body that used up its attempts, or that the watchdog set aside while a call it
/// caused was stuck, goes to the inbox's quarantine table instead of the runtime.
///
/// A set-aside body's message ids and status ids count as seen, as a processed body's do:
/// Meta sends the same message again at times (a retry after an answer it did not get in
/// time, a duplicate delivery), each time as a new body, which would end the process again.
extension RuntimeService {
    /// How many times a body the last process left unprocessed is tried before it is set
    /// aside: a body that crashes the process must not crash every restart after it.
    static let attemptsAfterRestart = 3

    /// The store's inbox mark: every body up to it has taken effect, or was set aside.
    public func inboxMark() throws -> Int64 { try store.inboxProcessed() }

    /// One body of the backlog a restart found (the bodies up to `end`), in a transaction of
    /// its own, its attempt counted in the inbox before it is made; a body tried
    /// `attemptsAfterRestart` times (each attempt having ended the process), or set aside by
    /// the watchdog, is quarantined instead. Returns false once the backlog is done. The
    /// caller loops, one actor call a body, so agents and a shutdown are not kept waiting
    /// for the whole backlog.
    public func processBacklogBody(through end: Int64) throws -> Bool {
        guard let item = try inbox.pending(after: store.inboxProcessed(), limit: 1).first, item.id <= end else { return false }
        if try inbox.isQuarantined(item.id) {
            try finishSettingAside(item)
            logger.error("webhook \(item.id) stays set aside: the watchdog quarantined it when a script call it caused never ended")
            return true
        }
        if try inbox.noteAttempt(item.id) > Self.attemptsAfterRestart {
            try inbox.quarantine(item.id, at: clock.now)
            try finishSettingAside(item)
            logger.critical("webhook \(item.id) was set aside: processing it ended the process \(Self.attemptsAfterRestart) times; it is in the inbox's quarantine table")
            return true
        }
        return processInbox(limit: 1) != nil
    }

    /// Moves the store's mark past a quarantined body, then records what it carried as seen.
    /// Two transactions: should reading the body end the process, it is past the mark
    /// already, and the restart does not meet it again.
    private func finishSettingAside(_ item: (id: Int64, body: [UInt8])) throws {
        try event { try store.setInboxProcessed(item.id) }
        signals.noteInboxProcessed(through: item.id)
        do {
            let seen = try event { try markSeen(item.body) }
            logger.info("webhook \(item.id): \(seen) message and status ids it carried count as seen; Meta's retries of them are skipped")
        } catch {
            logger.error("webhook \(item.id): cannot record its message ids as seen; Meta's retries of them will be processed: \(error)")
        }
    }

    /// Records the inbound message ids and status ids of `body` as seen, as processing it
    /// would have; returns how many. The events are the ones processing would have made
    /// (`WebhookIngest`), and the keys the runtime's own: a message's platform id, a
    /// status's `sightingKey`.
    func markSeen(_ body: [UInt8]) throws -> Int {
        guard settings.runtime.deduplicatesInbound, let json = try? JSONValue.parse(body) else { return 0 }
        var seen = 0
        for event in decoder.decode(json).events {
            for e in try ingest.events(for: event).0 {
                let key: String? = switch e {
                case .inbound(let message): message.id
                case .deliveryStatus(let status): status.sightingKey
                default: nil
                }
                guard let key else { continue }
                _ = try store.firstSighting(ofInbound: key, at: clock.now)
                seen += 1
            }
        }
        return seen
    }

    /// What the watchdog does when a call has run far past its budget, from its own thread
    /// (the actor is held by the call): sets aside the body in hand when there is one, or
    /// marks a batch's bodies as suspects, each to be tried alone after the restart and set
    /// aside if it ends the process once more. Says what it did. Writes only the inbox's
    /// file: the store is inside the stuck call's transaction.
    public nonisolated func setAsideBodiesInHand() -> String {
        guard let bodies = bodiesInHand.withLock({ $0 }) else {
            return "it was not processing a webhook (a timer, an automation or an agent's action), so nothing was set aside"
        }
        do {
            if bodies.count == 1 {
                try inbox.quarantine(bodies.lowerBound, at: SystemClock().now)
                return "webhook \(bodies.lowerBound), which it was processing, is set aside in the inbox's quarantine table"
            }
            try inbox.markSuspect(bodies, attempts: Self.attemptsAfterRestart - 1)
            return """
                it was processing webhooks \(bodies.lowerBound)...\(bodies.upperBound): after the restart each is tried alone, \
                and one that ends the process again is set aside
                """
        } catch {
            return "webhooks \(bodies.lowerBound)...\(bodies.upperBound) could not be set aside (\(error)); the restart tries them one at a time"
        }
    }
}
