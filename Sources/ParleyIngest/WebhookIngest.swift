import ParleyCloudAPI
import ParleyPolicy
import ParleyRuntime

/// Turns decoded Cloud API webhooks into runtime events: inbound messages, consent,
/// identity, templates, the tier, the number's status and delivery statuses. The one path
/// from the wire to the runtime, shared by a live server and a scenario's `webhook` event.
public struct WebhookIngest {
    /// What a delivery status means to the runtime. By default, a status of the platform's
    /// message id; the server, which can tie the platform's ids to its own, says more.
    public var statusEvents: (MessageStatus) throws -> [RuntimeEvent]
    /// The deployment's business numbers: phone number id → the number's name (`nil` for
    /// the default number). An event of a configured number reaches that number's
    /// conversations; one about another number of the same account (a subscription at the
    /// account's level sends them all) is skipped, never answered from ours.
    public var numbers: [String: String?]
    /// Events of a number not in `numbers` are the default number's: when the default has
    /// no id (the sandbox), it takes every other number's.
    public var othersAreDefault: Bool

    public init(numbers: [String: String?], othersAreDefault: Bool, statusEvents: ((MessageStatus) throws -> [RuntimeEvent])? = nil) {
        self.numbers = numbers
        self.othersAreDefault = othersAreDefault
        self.statusEvents = statusEvents ?? { [.deliveryStatus(Self.deliveryStatus($0))] }
    }

    /// One business number (`cloud_api.phone_number_id`), or every number's events (`nil`).
    public init(phoneNumberID: String? = nil, statusEvents: ((MessageStatus) throws -> [RuntimeEvent])? = nil) {
        self.init(numbers: phoneNumberID.map { [$0: nil] } ?? [:], othersAreDefault: phoneNumberID == nil, statusEvents: statusEvents)
    }

    /// Applies every event of `batch` to `runtime`, in payload order. Returns notes for what
    /// was not applied (and why), together with the decoder's own. Throws only what the
    /// runtime's store throws: then the batch is to be tried again whole.
    @discardableResult
    public func apply(_ batch: WebhookBatch, to runtime: Runtime) throws -> [String] {
        var notes = batch.skipped
        for event in batch.events {
            var number: String?
            if let theirs = event.phoneNumberID {
                if let name = numbers[theirs] {
                    number = name
                } else if !othersAreDefault {
                    notes.append("an event for phone number id \(theirs), not this deployment's \(numbers.keys.sorted().joined(separator: ", ")): skipped")
                    continue
                }
            }
            let (events, note) = try events(for: event, on: number)
            if let note { notes.append(note) }
            for e in events {
                do {
                    // Seen before (the platform retries): what followed from it the first
                    // time (a failed status's `deliveryFailed`) is skipped with it. A
                    // retried message goes quietly; a status told twice is worth a note.
                    guard try runtime.handle(e) == .duplicate else { continue }
                    if case .deliveryStatus(let s) = e { notes.append("status \(s.status) of \(s.id) seen before: skipped") }
                    break
                } catch let error as RuntimeError {
                    notes.append("\(Self.subject(e)): \(error)")
                }
            }
        }
        return notes
    }

    /// The runtime events one webhook event stands for, or a note saying why there are none.
    /// Its contacts are on `number` (`nil`: the default number): the conversation is theirs there.
    public func events(for event: WebhookEvent, on number: String? = nil) throws -> ([RuntimeEvent], note: String?) {
        switch event {
        case .message(let m):
            let userID = m.userID.flatMap(ContactID.init).flatMap { $0.kind == .businessScopedUser ? $0.on(number) : nil }
            return ([.inbound(Inbound(id: m.id, from: m.from.on(number), userID: userID, content: Self.content(m.content),
                                      referral: m.referral.map(Self.referral)))], nil)
        case .status(let s):
            var status = s
            status.recipient = s.recipient?.on(number)
            return (try statusEvents(status), nil)
        case .system(let notice):
            switch notice.change {
            case .numberChanged(let old, let new): return ([.numberChanged(from: old.on(number), to: new.on(number))], nil)
            case .userIDChanged(let old, let new): return ([.userIDChanged(from: old.on(number), to: new.on(number))], nil)
            case .identityChanged(let contact, _): return ([.identityChanged(contact.on(number))], nil)
            }
        case .call(let call):
            // A call from the contact opens the window, as any message does.
            guard call.isUserInitiated, call.event.lowercased() == "connect" else { return ([], nil) }
            return ([.inbound(Inbound(id: call.id, from: call.contact.on(number), content: .other(type: "call", text: nil)))], nil)
        case .echo:
            return ([], "an echo of a message sent from another client: nothing to apply")
        case .marketingPreference(let p):
            let contact = p.contact.on(number)
            return ([p.optedOut ? .marketingStopped(contact) : .marketingResumed(contact)], nil)
        case .templateStatus(let u):
            // FLAGGED warns of a coming pause; the template still sends until then.
            if case .other(let s) = u.status, s == "FLAGGED" { return ([], "template \(u.key) flagged: it still sends until paused or disabled") }
            return ([.templateStatus(u.key, u.status)], nil)
        case .templateQuality(let u):
            return ([.templateQuality(u.key, u.quality)], nil)
        case .templateCategory(let u):
            return ([.templateCategory(u.key, u.category)], nil)
        case .phoneNumberQuality(let u):
            return ([u.tier.map(RuntimeEvent.tier), u.numberStatus.map(RuntimeEvent.numberStatus)].compactMap { $0 }, nil)
        case .businessCapability(let u):
            guard let tier = u.tier else { return ([], "capability update without a messaging limit: nothing to apply") }
            return ([.tier(tier)], nil)
        case .phoneNumberName(let u):
            return ([], "display name \(u.decision.lowercased()): nothing to apply")
        case .accountUpdate(let u):
            var events: [RuntimeEvent] = []
            if u.restrictsBusinessInitiatedMessaging {
                let end = u.restrictions.filter { $0.type.uppercased().contains("BIZ_INITIATED") }.compactMap(\.expiration).max()
                events.append(.businessInitiatedRestriction(true, until: end))
            } else if u.event.uppercased() == "ACCOUNT_RESTRICTION" {
                events.append(.businessInitiatedRestriction(false, until: nil))   // a restriction notice that lists none: it was lifted
            }
            if let status = u.numberStatus { events.append(.numberStatus(status)) }
            return (events, nil)
        }
    }

    /// The events of a status of `dispatch` (when it could be tied to one of ours): the
    /// status, and for a failure, the failure the sender hears of.
    public static func events(for status: MessageStatus, of dispatch: Dispatch?) -> [RuntimeEvent] {
        guard let dispatch else { return [.deliveryStatus(deliveryStatus(status))] }
        var events: [RuntimeEvent] = [.deliveryStatus(deliveryStatus(status, id: dispatch.id, contact: dispatch.to, estimate: dispatch.pricing))]
        if status.state == .failed {
            let error = status.errors.first.map(GraphAPIError.init)
            events.append(.deliveryFailed(DeliveryFailure(messageID: dispatch.id, to: dispatch.to, by: dispatch.sender, reason: error?.reason,
                                                          code: error?.code, detail: error?.message ?? error?.title)))
        }
        return events
    }

    /// A status as the runtime writes it down, under the platform's message id.
    public static func deliveryStatus(_ s: MessageStatus, id: String? = nil, contact: ContactID? = nil, estimate: Pricing? = nil) -> DeliveryStatus {
        DeliveryStatus(id: id ?? s.id, platformID: s.id, status: s.state.description, contact: contact ?? s.recipient,
                       errors: s.errors.map { UpstreamError(code: $0.code, title: $0.title) },
                       pricing: s.pricing.map { BilledPricing(billable: $0.billable, category: $0.category, type: $0.type, model: $0.pricingModel) },
                       estimate: estimate)
    }

    private static func subject(_ event: RuntimeEvent) -> String {
        switch event {
        case .templateStatus: "template status"
        case .templateQuality: "template quality"
        case .templateCategory: "template category"
        default: "event"
        }
    }

    static func referral(_ r: Referral) -> Inbound.Referral {
        Inbound.Referral(sourceType: r.sourceType, sourceID: r.sourceID, sourceURL: r.sourceURL, headline: r.headline, clickID: r.clickID)
    }

    static func content(_ c: InboundContent) -> Inbound.Content {
        switch c {
        case .text(let t): return .text(t)
        case .media(let m): return .media(kind: m.kind.rawValue, id: m.id, caption: m.caption)
        case .button(let text, let payload): return .button(payload: payload, text: text)
        case .buttonReply(let id, let title): return .reply(id: id, title: title)
        case .listReply(let id, let title, _): return .reply(id: id, title: title)
        case .edited(_, let inner): return content(inner)
        case .location: return .other(type: "location", text: nil)
        case .contacts: return .other(type: "contacts", text: nil)
        case .reaction(_, let emoji): return .other(type: "reaction", text: emoji)
        case .flowCompletion: return .other(type: "flow", text: nil)
        case .callPermissionReply: return .other(type: "call_permission", text: nil)
        case .order: return .other(type: "order", text: nil)
        case .deleted: return .other(type: "deleted", text: nil)
        case .unsupported(let type): return .other(type: type, text: nil)
        }
    }
}
