import ParleyJSON
import ParleyScripting
import ParleyPolicy

extension Runtime {
    /// Handles one event to its end, including everything that falls due by now. Throws
    /// `RuntimeError` for an event that names what does not exist (a macro, a template),
    /// `ClaimConflict` for a claim on another agent's conversation, and the store's error
    /// when it fails; then the event may have done part of its work, so run it inside
    /// `transaction(_:)` wherever that matters.
    @discardableResult
    public func handle(_ event: RuntimeEvent) throws -> EventOutcome {
        let outcome = try apply(event)
        try runDue()
        return outcome
    }

    private func apply(_ event: RuntimeEvent) throws -> EventOutcome {
        switch event {
        case .inbound(let message):
            return try router.receive(message) ? .done : .duplicate
        case .agentReply(let message, let to, let agent):
            return .sent(try handoffs.agentReply(message, to: to, by: agent))
        // An agent, an operator or the platform may name a person by any of their names.
        case .macro(let name, let contact, let arguments, let agent):
            return .macro(try calls.runMacro(name, on: try store.canonical(contact), arguments: arguments, by: agent))
        case .claim(let contact, let agent, let queue, let takeOver):
            return .claimed(try handoffs.claim(try store.canonical(contact), by: agent, queue: queue, takeOver: takeOver))
        case .release(let contact, let note, let agent):
            try handoffs.release(try store.canonical(contact), note: note, by: agent)
        case .resolve(let contact, let agent, let note):
            try handoffs.resolve(try store.canonical(contact), by: agent, note: note)
        case .optIn(let contact):
            try optIn(try store.canonical(contact))
        case .optOut(let contact):
            try optOut(try store.canonical(contact))
        case .marketingStopped(let contact):
            try stopMarketing(try store.canonical(contact))
        case .marketingResumed(let contact):
            try resumeMarketing(try store.canonical(contact))
        case .identityChanged(let contact):
            try identityChanged(try store.canonical(contact))
        case .identityAcknowledged(let contact):
            try acknowledgeIdentity(try store.canonical(contact))
        case .numberChanged(let old, let new):
            try numberChanged(from: old, to: new)
        case .userIDChanged(let old, let new):
            try userIDChanged(from: old, to: new)
        case .templateStatus(let key, let status):
            try templateStatus(key, status)
        case .templateQuality(let key, let quality):
            try templateQuality(key, quality)
        case .templateCategory(let key, let category):
            try templateCategory(key, category)
        case .templatesSynced(let templates):
            try store.save(store.catalog.merged(with: templates, at: now, pauses: config.policy.templatePauses))
        case .tier(let tier):
            try setTier(tier)
        case .numberStatus(let status):
            try setNumberStatus(status)
        case .businessInitiatedRestriction(let restricted, let end):
            try setBusinessInitiatedRestriction(restricted, until: end)
        case .deliveryStatus(let status):
            return try sending.deliveryStatus(status) ? .done : .duplicate
        case .deliveryFailed(let failure):
            try sending.deliveryFailed(failure)
        case .clock(let instant):
            try advance(to: instant)
        }
        return .done
    }

    // MARK: Time

    /// Moves a manual clock to `target`, running everything due on the way, each item at its
    /// own instant, in time order.
    func advance(to target: Instant) throws {
        guard let manual = clock as? ManualClock else { return try runDue() }
        guard !runningDue else { return }
        runningDue = true
        defer { runningDue = false }
        var items = 0
        while let (at, work) = try agenda.next(dueBy: target) {
            if at > manual.now { manual.set(at) }
            try run(work)
            items += 1
            if items % 256 == 0, let shouldStop = shouldStopAdvancing, shouldStop() { return }
        }
        if target > manual.now { manual.set(target) }
    }

    /// Runs everything due by now: what a live deployment calls as time passes, and what
    /// every event calls when it is done. One loop at a time: a timer whose handler makes
    /// more work due adds to the loop, never a deeper stack.
    func runDue() throws {
        guard !runningDue else { return }
        runningDue = true
        defer { runningDue = false }
        while let (_, work) = try agenda.next(dueBy: now) { try run(work) }
    }

    private func run(_ work: DueWork) throws {
        switch work {
        case .dispatch(let entry): try sending.dispatch(entry)
        // Set before the person's key changed, they fire on their conversation where it is now.
        case .timer(let script, let contact, let name, let data):
            try calls.fireTimer(script: script, contact: try store.canonical(contact), name: name, data: data)
        case .windowClosing(let contact, let generation):
            try calls.fireWindowClosing(contact: try store.canonical(contact), generation: generation)
        case .automation(let name): try calls.runAutomation(name)
        case .liftRestriction:
            if store.account.businessInitiatedRestricted { try setBusinessInitiatedRestriction(false) }
        case .tellAccount(let event):
            try calls.tellAccount(event)
        }
    }
}
