import ParleyPolicy
import ParleyRuntime

/// Feeds decoded webhook events to the runtime: inbound messages, consent, identity,
/// templates, the tier and the number's status. The same path serves a live webhook and a
/// scenario's `webhook` event.
public struct WebhookIngest {
    /// Where delivery statuses go instead of the transcript, when the caller can tie the
    /// platform's message ids to its own (the server can; a simulation cannot).
    public var onStatus: ((MessageStatus, Runtime) -> Void)?

    public init(onStatus: ((MessageStatus, Runtime) -> Void)? = nil) {
        self.onStatus = onStatus
    }

    /// Applies every event of `batch` in payload order. Returns notes for what was not
    /// applied (and why), together with the decoder's own.
    @discardableResult
    public func apply(_ batch: WebhookBatch, to runtime: Runtime) -> [String] {
        var notes = batch.skipped
        for event in batch.events {
            if let note = apply(event, to: runtime) { notes.append(note) }
        }
        return notes
    }

    private func apply(_ event: WebhookEvent, to runtime: Runtime) -> String? {
        switch event {
        case .message(let m):
            runtime.receive(Inbound(id: m.id, from: m.from, content: content(m.content)))
        case .status(let s):
            guard runtime.firstSighting(ofStatus: s.id, state: s.state.description) else { return "status \(s.state) of \(s.id) seen before: skipped" }
            if let onStatus {
                onStatus(s, runtime)
            } else {
                runtime.deliveryStatus(id: s.id, status: s.state.description, contact: s.recipient,
                                       errors: s.errors.map { ($0.code, $0.title) })
            }
        case .system(let notice):
            switch notice.change {
            case .numberChanged(let old, let new): runtime.numberChanged(from: old, to: new)
            case .identityChanged(let contact, _): runtime.identityChanged(contact)
            }
        case .call(let call):
            // A call from the contact opens the window, as any message does.
            guard call.isUserInitiated, call.event.lowercased() == "connect" else { return nil }
            runtime.receive(Inbound(id: call.id, from: call.contact, content: .other(type: "call", text: nil)))
        case .echo:
            return "an echo of a message sent from another client: nothing to apply"
        case .marketingPreference(let p):
            if p.optedOut { runtime.optOut(p.contact) } else { runtime.resumeMarketing(p.contact) }
        case .templateStatus(let u):
            // FLAGGED warns of a coming pause; the template still sends until then.
            if case .other(let s) = u.status, s == "FLAGGED" { return "template \(u.key) flagged: it still sends until paused or disabled" }
            do { try runtime.templateStatus(u.key, u.status) } catch { return "template status: \(error)" }
        case .templateQuality(let u):
            do { try runtime.templateQuality(u.key, u.quality) } catch { return "template quality: \(error)" }
        case .templateCategory(let u):
            do { try runtime.templateCategory(u.key, u.category) } catch { return "template category: \(error)" }
        case .phoneNumberQuality(let u):
            if let tier = u.tier { runtime.setTier(tier) }
            if let status = u.numberStatus { runtime.setNumberStatus(status) }
        case .phoneNumberName(let u):
            return "display name \(u.decision.lowercased()): nothing to apply"
        case .accountUpdate(let u):
            if u.restrictsBusinessInitiatedMessaging {
                let end = u.restrictions.filter { $0.type.uppercased().contains("BIZ_INITIATED") }.compactMap(\.expiration).max()
                runtime.setBusinessInitiatedRestriction(true, until: end)
            } else if u.event.uppercased() == "ACCOUNT_RESTRICTION" {
                runtime.setBusinessInitiatedRestriction(false)   // a restriction notice that lists none: it was lifted
            }
            if let status = u.numberStatus { runtime.setNumberStatus(status) }
        }
        return nil
    }

    private func content(_ c: InboundContent) -> Inbound.Content {
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
