import ParleyJSON
import ParleyPolicy

/// The `calls` field: call connect/terminate events and call status updates.
enum CallDecoding {
    static func callsChange(_ value: JSONValue, _ metadata: Metadata, at place: String, into out: inout Output) {
        // Errors beside the calls belong to them (a call that ended badly).
        let errors = PlatformError.list(value["errors"], notes: &out.notes, at: place)
        let calls = value.elements("calls", notes: &out.notes, at: place)
        let statuses = value.elements("statuses", notes: &out.notes, at: place)
        if calls == nil && statuses == nil {
            out.notes.add(place, "no \"calls\" or \"statuses\"; skipped")
        }
        for (k, call) in (calls ?? []).enumerated() {
            let here = "\(place).calls[\(k)]"
            guard let id = call.text("id") else {
                out.notes.add(here, "call without an \"id\"; skipped")
                continue
            }
            let direction = call.text("direction")?.uppercased()
            // The contact is the callee of a business call and the caller otherwise; a payload
            // that puts the business's own number there falls back to the contacts block.
            let (near, far) = direction == "BUSINESS_INITIATED" ? ("to", "from") : ("from", "to")
            let profile = metadata.profile(phone: call.text(near), userID: nil)
            let candidates = [call.text(near), profile?.text("wa_id"), profile?.text("user_id"), call.text(far)]
            guard let contact = Payload.contact(candidates, excluding: metadata.displayPhoneNumber) else {
                out.notes.add(here, "call \(id) has no usable contact (\(near) \(Payload.show(call[near]))); skipped")
                continue
            }
            out.events.append(
                .call(
                    CallEvent(
                        id: id, contact: contact, event: call.text("event")?.lowercased() ?? "unknown",
                        direction: direction, status: call.text("status")?.uppercased(),
                        timestamp: call.instant("timestamp"), phoneNumberID: metadata.phoneNumberID, errors: errors)))
        }
        for (k, status) in (statuses ?? []).enumerated() {
            if let call = self.status(status, metadata, at: "\(place).statuses[\(k)]", notes: &out.notes) {
                out.events.append(.call(call))
            }
        }
    }

    /// A call status (`RINGING`, `ACCEPTED`, `REJECTED`...) for a call the business placed.
    static func status(_ json: JSONValue, _ metadata: Metadata, at place: String, notes: inout Notes) -> CallEvent? {
        guard let id = json.text("id") else {
            notes.add(place, "call status without an \"id\"; skipped")
            return nil
        }
        guard let contact = Payload.contact([json.text("recipient_id"), json.text("recipient_user_id")]) else {
            notes.add(place, "call status \(id) has no usable recipient (\(Payload.show(json["recipient_id"]))); skipped")
            return nil
        }
        return CallEvent(
            id: id, contact: contact, event: "status", direction: "BUSINESS_INITIATED",
            status: json.text("status")?.uppercased(), timestamp: json.instant("timestamp"),
            phoneNumberID: metadata.phoneNumberID,
            errors: PlatformError.list(json["errors"], notes: &notes, at: place))
    }
}

/// The `user_preferences` field: marketing stop / resume through the platform's control.
enum PreferenceDecoding {
    static func preferencesChange(_ value: JSONValue, _ metadata: Metadata, at place: String, into out: inout Output) {
        guard let preferences = value.elements("user_preferences", notes: &out.notes, at: place) else {
            out.notes.add(place, "no \"user_preferences\"; skipped")
            return
        }
        for (k, preference) in preferences.enumerated() {
            let here = "\(place).user_preferences[\(k)]"
            let category = preference.text("category")?.lowercased()
            guard category == "marketing_messages" else {
                out.notes.add(here, "preference category \(Payload.show(preference["category"])) is not marketing_messages; skipped")
                continue
            }
            let value = preference.text("value")?.lowercased()
            let optedOut: Bool
            switch value {
            case "stop": optedOut = true
            case "resume", "signup": optedOut = false
            default:
                out.notes.add(here, "marketing preference \(Payload.show(preference["value"])) is not stop, resume or signup; skipped")
                continue
            }
            let profile = metadata.profile(phone: preference.text("wa_id"), userID: preference.text("user_id"))
            let candidates = [preference.text("wa_id"), preference.text("user_id"), profile?.text("wa_id"), profile?.text("user_id")]
            guard let contact = Payload.contact(candidates), let value else {
                out.notes.add(here, "marketing preference without a usable contact (wa_id \(Payload.show(preference["wa_id"]))); skipped")
                continue
            }
            out.events.append(
                .marketingPreference(
                    MarketingPreference(
                        contact: contact, optedOut: optedOut, value: value, detail: preference.text("detail"),
                        timestamp: preference.instant("timestamp"), phoneNumberID: metadata.phoneNumberID)))
        }
    }
}
