import ParleyJSON
import ParleyPolicy

/// What `pick_template` tells a script a template needs besides the body's values (its
/// `params` count), in the terms `send` takes them:
///
///     { header = "image", buttons = { { index = 1, type = "url", required = true } }, code = true }
///
/// `header` is `image`, `video`, `document` or `location` for a media or location header;
/// `header_params` counts a text header's placeholders; `buttons` lists each button that
/// takes a value, at its place in `send`'s `buttons` list (from 1); `code` is there when an
/// authentication template's password button needs one. Empty when the body is all.
enum TemplateNeeds {
    static func table(for t: Template) -> JSONValue {
        var needs: [String: JSONValue] = [:]
        if let kind = t.header?.mediaKind {
            needs["header"] = .string(kind.rawValue)
        } else if t.header?.isLocation == true {
            needs["header"] = "location"
        } else if t.headerPlaceholders.count > 0 {
            needs["header_params"] = .int(Int64(t.headerPlaceholders.count))
        }
        let buttons = t.buttons.enumerated().compactMap { index, button -> JSONValue? in
            // The password button is filled by `code`.
            guard let takes = button.takes, button.type != "OTP" else { return nil }
            return ["index": .int(Int64(index + 1)), "type": .string(takes.rawValue), "required": .bool(button.needsValue)]
        }
        if !buttons.isEmpty { needs["buttons"] = .array(buttons) }
        if t.passwordButton != nil { needs["code"] = true }
        return .object(needs)
    }
}
