import ParleyJSON
import ParleyPolicy
import ParleyRuntime

/// `GET /health`: the queues an operator watches, what stops the server doing its job, and
/// whether the runtime is busy or stuck.
///
/// Busy is not stuck. Every script call is bounded by its wall budget, and between calls the
/// runtime does bounded work (the policy, SQLite), so a batch of calls, however long, keeps
/// moving. The runtime is stuck only when one call has run past `deadlines.stuckAfter`
/// (twice its wall budget and 5 s): then the sandbox failed to stop it, and it will not end.
/// A batch that is merely long stays `ok`, with `runtime_busy`.
extension RuntimeService {
    /// What `/health` reports when the actor answers: the runtime is free, so nothing is stuck.
    public func health() -> JSONValue {
        var health: [String: JSONValue] = ["ok": true]
        do {
            health["inbox_backlog"] = .int(Int64(try inboxBacklog()))
            health["deliveries_waiting"] = .int(Int64(try store.deliveriesWaiting()))
        } catch {
            health["ok"] = false
            health["store_problem"] = .string("cannot read the database: \(error)")
        }
        reportProblems(into: &health)
        return .object(health)
    }

    /// `health()`, or, when the runtime is busy with one long event (scripts running to
    /// their budgets), an answer without it after `limit`: a probe must not time out and
    /// have a live server restarted for being busy, and must hear within seconds when the
    /// runtime is stuck.
    public nonisolated func health(within limit: Duration) async -> JSONValue {
        await answer(within: limit) { await self.health() } ?? busyHealth(at: SystemClock().now)
    }

    /// What `question` answers, or nil when it has not answered within `limit`: the actor
    /// may be busy with a long event, and a probe or a scrape must not wait it out.
    nonisolated func answer<Answer: Sendable>(within limit: Duration, _ question: @escaping @Sendable () async -> Answer) async -> Answer? {
        let (answers, answer) = AsyncStream<Answer?>.makeStream()
        Task { answer.yield(await question()) }
        let timeout = Task {
            try? await Task.sleep(for: limit)
            answer.yield(nil)
        }
        for await first in answers {
            answer.finish()
            timeout.cancel()
            return first
        }
        return nil
    }

    /// What `/health` says of a runtime that did not answer: busy, and stuck when the call
    /// now running has run past `deadlines.stuckAfter`.
    nonisolated func busyHealth(at now: Instant) -> JSONValue {
        let busyFor = eventStarted.withLock { started in started.map { now - $0 } } ?? .zero
        var health: [String: JSONValue] = ["ok": true, "runtime_busy": true, "runtime_busy_seconds": .int(busyFor.seconds)]
        if let call = callWatch.running(at: now), call > deadlines.stuckAfter {
            health["ok"] = false
            health["runtime"] = .string("""
                stuck: one script call has run \(call), past twice its wall budget (\(deadlines.wallBudget)) and 5 s, so \
                the sandbox did not stop it; the watchdog restarts the process once it has run \(deadlines.overrunLimit)
                """)
        }
        reportProblems(into: &health)
        return .object(health)
    }

    /// What keeps the server from doing its job, each under its own key, and `ok` false;
    /// and unchecked webhook signatures, which an operator chose, so `ok` stays as it is.
    nonisolated func reportProblems(into health: inout [String: JSONValue]) {
        let problems = [("sender", senderProblem.withLock { $0 }), ("inbox", inboxProblem.withLock { $0 })]
        for case let (key, text?) in problems {
            health["ok"] = false
            health[key] = .string(text)
        }
        if let unchecked = uncheckedSignatures { health["webhook_signatures"] = .string(unchecked) }
    }

    /// Why webhook signatures are not checked, when they are not.
    nonisolated var uncheckedSignatures: String? {
        guard !settings.checksWebhookSignatures else { return nil }
        return settings.cloudAPI.isLive ? "not checked (--allow-unsigned-webhooks)" : "not checked (sandbox: no PARLEY_APP_SECRET)"
    }

    /// Said once at start, as a warning: unchecked, anyone who reaches `/webhook` writes as
    /// any contact.
    func warnOfUncheckedSignatures() {
        guard !settings.checksWebhookSignatures else { return }
        if settings.cloudAPI.isLive {
            logger.warning("""
                --allow-unsigned-webhooks: webhook signatures are NOT checked; anyone who reaches /webhook can make the bot \
                message any number through the Graph API. For a private test network only: set PARLEY_APP_SECRET anywhere else
                """)
        } else {
            logger.warning("no PARLEY_APP_SECRET: webhook signatures are not checked (the sandbox sends nothing to WhatsApp)")
        }
    }
}
