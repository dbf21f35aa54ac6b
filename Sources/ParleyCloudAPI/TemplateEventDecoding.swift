import ParleyJSON
import ParleyPolicy

/// Template lifecycle fields: status, quality, category and components updates.
enum TemplateEventDecoding {
    static func change(_ field: String, _ value: JSONValue, _ account: Account, at place: String, into out: inout Output) {
        guard let name = value.text("message_template_name"), let language = value.text("message_template_language") else {
            out.notes.add(
                place,
                "template update without a name and language (\(Payload.show(value["message_template_name"])), \(Payload.show(value["message_template_language"]))); skipped"
            )
            return
        }
        let key = TemplateKey(name: name, language: language)
        let id = value.text("message_template_id")
        switch field {
        case "message_template_status_update":
            guard let event = value.text("event") else {
                out.notes.add(place, "status update for \(key) without an \"event\"; skipped")
                return
            }
            let info = value.object("other_info")
            let rejection = value.object("rejection_info")
            let reason = value.text("reason").flatMap { $0.uppercased() == "NONE" ? nil : $0 }
            out.events.append(
                .templateStatus(
                    TemplateStatusUpdate(
                        key: key, templateID: id, status: TemplateStatus(event), reason: reason,
                        category: value.text("message_template_category").flatMap { TemplateCategory(platform: $0) },
                        infoTitle: info?.text("title") ?? rejection?.text("reason"),
                        infoDescription: info?.text("description") ?? rejection?.text("recommendation"),
                        disableDate: value["disable_info"]?.text("disable_date"), time: account.time)))
        case "message_template_quality_update":
            guard let quality = value.text("new_quality_score").flatMap({ TemplateQuality(platform: $0) }) else {
                out.notes.add(place, "quality update for \(key) with an unknown score \(Payload.show(value["new_quality_score"])); skipped")
                return
            }
            out.events.append(
                .templateQuality(
                    TemplateQualityUpdate(
                        key: key, templateID: id,
                        previous: value.text("previous_quality_score").flatMap { TemplateQuality(platform: $0) },
                        quality: quality, time: account.time)))
        case "template_category_update":
            // An impending change names the category to come in `correct_category` (and the
            // current one in `new_category`): nothing changes until the completed update.
            if let coming = value.text("correct_category") {
                let when = value.instant("category_update_timestamp").map { " at \($0.iso8601)" } ?? ""
                out.notes.add(place, "\(key) will become \(coming)\(when); it keeps its category until the change is done")
                return
            }
            guard let category = value.text("new_category").flatMap({ TemplateCategory(platform: $0) }) else {
                out.notes.add(place, "category update for \(key) with an unknown category \(Payload.show(value["new_category"])); skipped")
                return
            }
            out.events.append(
                .templateCategory(
                    TemplateCategoryUpdate(
                        key: key, templateID: id,
                        previous: value.text("previous_category").flatMap { TemplateCategory(platform: $0) },
                        category: category, time: account.time)))
        default:
            // The catalog keeps what was approved; a components change is picked up by the next
            // templates-file sync, not applied piecemeal from a webhook.
            out.notes.add(place, "components of \(key) changed; not applied (sync the templates file to pick it up)")
        }
    }
}
