import ParleyJSON
import ParleyPolicy

/// The `messages` and `smb_message_echoes` fields: inbound messages, system notices,
/// statuses and echoes.
enum MessageDecoding {
    static func messagesChange(_ value: JSONValue, _ metadata: Metadata, at place: String, into out: inout Output) {
        var sawAny = false
        if let messages = value.elements("messages", notes: &out.notes, at: place) {
            sawAny = true
            for (k, message) in messages.enumerated() {
                if let event = self.message(message, metadata, at: "\(place).messages[\(k)]", notes: &out.notes) {
                    out.events.append(event)
                }
            }
        }
        if let statuses = value.elements("statuses", notes: &out.notes, at: place) {
            sawAny = true
            for (k, status) in statuses.enumerated() {
                let here = "\(place).statuses[\(k)]"
                if status.text("type")?.lowercased() == "call" {
                    if let call = CallDecoding.status(status, metadata, at: here, notes: &out.notes) {
                        out.events.append(.call(call))
                    }
                } else if let decoded = MessageStatus(status, metadata: metadata, notes: &out.notes, at: here) {
                    out.events.append(.status(decoded))
                }
            }
        }
        // Change-level errors: the platform could not deliver something to this webhook.
        let errors = PlatformError.list(value["errors"], notes: &out.notes, at: place)
        for error in errors {
            out.notes.add(place, "the platform reported error \(error.code)\(error.title.map { " (\($0))" } ?? "")")
        }
        if !sawAny && errors.isEmpty {
            out.notes.add(place, "no \"messages\" or \"statuses\"; skipped")
        }
    }

    static func echoesChange(_ value: JSONValue, _ metadata: Metadata, at place: String, into out: inout Output) {
        guard let echoes = value.elements("message_echoes", notes: &out.notes, at: place) else {
            out.notes.add(place, "no \"message_echoes\"; skipped")
            return
        }
        for (k, echo) in echoes.enumerated() {
            let here = "\(place).message_echoes[\(k)]"
            guard let id = echo.text("id") else {
                out.notes.add(here, "echo without an \"id\"; skipped")
                continue
            }
            let profile = metadata.profile(phone: echo.text("to"), userID: echo.text("to_user_id"))
            let to = Payload.contact(
                [echo.text("to"), echo.text("to_user_id"), profile?.text("wa_id"), profile?.text("user_id")],
                excluding: metadata.displayPhoneNumber)
            let content = ContentDecoding.content(of: echo, id: id, at: here, notes: &out.notes)
            out.events.append(
                .echo(
                    EchoedMessage(
                        id: id, to: to, content: content, timestamp: echo.instant("timestamp"),
                        phoneNumberID: metadata.phoneNumberID)))
        }
    }

    /// One element of `messages`: an inbound message or a system notice, or `nil` with a note.
    static func message(_ json: JSONValue, _ metadata: Metadata, at place: String, notes: inout Notes) -> WebhookEvent? {
        guard json.objectValue != nil else {
            notes.add(place, "is \(Payload.show(json)), not an object; skipped")
            return nil
        }
        let from = json.text("from")
        let userID = json.text("from_user_id")
        let profile = metadata.profile(phone: from, userID: userID)
        let sender = Payload.contact([from, profile?.text("wa_id"), userID, profile?.text("user_id")])
        let identityHash = json["identity"]?.text("hash") ?? profile?.text("identity_key_hash")

        if json.text("type")?.lowercased() == "system" {
            return system(json, sender: sender, identityHash: identityHash, metadata, at: place, notes: &notes)
        }
        guard let id = json.text("id") else {
            notes.add(place, "message without an \"id\"; skipped")
            return nil
        }
        guard let sender else {
            notes.add(
                place,
                "message \(id) has no usable sender (from \(Payload.show(json["from"])), wa_id \(Payload.show(profile?["wa_id"])), user_id \(Payload.show(profile?["user_id"] ?? json["from_user_id"]))); skipped"
            )
            return nil
        }
        let context = json.object("context")
        return .message(
            InboundMessage(
                id: id, from: sender, userID: userID ?? profile?.text("user_id"),
                profileName: profile?["profile"]?.text("name"), timestamp: json.instant("timestamp"),
                phoneNumberID: metadata.phoneNumberID, displayPhoneNumber: metadata.displayPhoneNumber,
                content: ContentDecoding.content(of: json, id: id, at: place, notes: &notes),
                contextMessageID: context?.text("id"),
                isForwarded: context?.flag("forwarded") ?? false,
                isFrequentlyForwarded: context?.flag("frequently_forwarded") ?? false,
                referral: json.object("referral").map(referral), identityKeyHash: identityHash,
                errors: PlatformError.list(json["errors"], notes: &notes, at: place)))
    }

    private static func system(
        _ json: JSONValue, sender: ContactID?, identityHash: String?, _ metadata: Metadata, at place: String,
        notes: inout Notes
    ) -> WebhookEvent? {
        let system = json.object("system")
        let kind = system?.text("type")?.lowercased()
        let change: SystemNotice.Change
        switch kind {
        case "user_changed_number", "customer_changed_number":
            // The old id is `customer` when given, else the sender; the new one `wa_id` (older: `new_wa_id`).
            let old = Payload.contact([system?.text("customer"), json.text("from")])
            let new = Payload.contact([system?.text("wa_id"), system?.text("new_wa_id")])
            guard let old, let new else {
                notes.add(
                    place,
                    "number change without a usable old and new number (from \(Payload.show(json["from"])), wa_id \(Payload.show(system?["wa_id"] ?? system?["new_wa_id"]))); skipped"
                )
                return nil
            }
            change = .numberChanged(from: old, to: new)
        case "user_changed_user_id":
            // The old id is the sender's (`from_user_id`); the new one `user_id` in `system`
            // (Meta's system-message reference, 2026; `new_user_id` read too).
            let old = Payload.contact([json.text("from_user_id"), system?.text("previous_user_id")])
            let new = Payload.contact([system?.text("user_id"), system?.text("new_user_id")])
            guard let old, let new, old.kind == .businessScopedUser, new.kind == .businessScopedUser else {
                notes.add(place, "user id change without a usable old and new user id (from_user_id \(Payload.show(json["from_user_id"])), user_id \(Payload.show(system?["user_id"]))); skipped")
                return nil
            }
            change = .userIDChanged(from: old, to: new)
        case "user_identity_changed", "customer_identity_changed":
            guard let contact = sender ?? Payload.contact([system?.text("customer")]) else {
                notes.add(place, "identity change without a usable contact (from \(Payload.show(json["from"]))); skipped")
                return nil
            }
            change = .identityChanged(contact: contact, identityKeyHash: identityHash)
        default:
            notes.add(place, "system message of type \(Payload.show(system?["type"])); skipped")
            return nil
        }
        return .system(
            SystemNotice(
                change: change, messageID: json.text("id"), timestamp: json.instant("timestamp"),
                phoneNumberID: metadata.phoneNumberID, body: system?["body"]?.textValue))
    }

    private static func referral(_ json: JSONValue) -> Referral {
        Referral(
            sourceURL: json.text("source_url"), sourceID: json.text("source_id"), sourceType: json.text("source_type"),
            headline: json.text("headline"), body: json.text("body"), mediaType: json.text("media_type"),
            imageURL: json.text("image_url"), videoURL: json.text("video_url"),
            thumbnailURL: json.text("thumbnail_url"), clickID: json.text("ctwa_clid"))
    }
}
