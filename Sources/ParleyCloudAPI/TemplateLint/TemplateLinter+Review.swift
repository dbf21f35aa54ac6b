import Foundation

/// What the account already holds, and the wording that gets a utility template
/// re-categorized as marketing.
extension DraftCheck {
    /// Promotional wording: utility templates were re-categorized as marketing for these
    /// since Meta tightened utility's definition (July 2025).
    static let promotionalWords = ["sale", "discount", "% off", "offer", "promo", "promotion", "coupon", "deal", "deals", "buy now",
                                   "shop now", "limited time", "exclusive", "free shipping", "new arrivals", "save"]

    mutating func checkCategoryWording() {
        guard category == "UTILITY" else { return }
        let text = ([draft.header?.text, draft.body?.text, draft.footer] + draft.buttons.map(\.text)).compactMap { $0 }.joined(separator: " ").lowercased()
        let found = Self.promotionalWords.filter { text.containsWord($0) }
        guard !found.isEmpty else { return }
        warning("category", "a UTILITY template with promotional wording (\(found.map { "\"\($0)\"" }.joined(separator: ", "))) is re-categorized as MARKETING",
                fix: "keep utility templates to the transaction at hand, or submit it as MARKETING")
    }

    /// The synced catalog: the same name and language already there, or a rejected twin.
    mutating func compare(with catalog: [TemplateDraft]) {
        guard let name = draft.name, !name.isEmpty else { return }
        let language = draft.language ?? ""
        for existing in catalog where existing.name == name {
            let status = (existing.status ?? "").uppercased()
            let reason = existing.rejectedReason.map { " for \($0)" } ?? ""
            if existing.language == language {
                if status == "REJECTED" {
                    warning("name", "\(name)/\(language) was rejected\(reason); a new submission under the same name and language edits it",
                            fix: "fix what it was rejected for first")
                } else {
                    error("name", "\(name)/\(language) already exists (\(status.isEmpty ? "in the catalog" : status))",
                          fix: "choose a new name, or edit the existing template")
                }
            } else if status == "REJECTED" {
                warning("name", "the \(existing.language ?? "?") version of \(name) was rejected\(reason)", fix: "check this one does not repeat what was refused")
            }
        }
        // The same body as a rejected template is rejected again, whatever its name.
        if let body = draft.body?.text, !body.isEmpty,
           let twin = catalog.first(where: { $0.name != name && ($0.status ?? "").uppercased() == "REJECTED" && $0.body?.text == body })
        {
            warning("body", "the body is the same as \(twin.name ?? "?")/\(twin.language ?? "?"), which was rejected\(twin.rejectedReason.map { " for \($0)" } ?? "")",
                    fix: "rewrite it")
        }
    }
}

extension String {
    /// Whether `word` appears with no letter or digit on either side (case as given).
    func containsWord(_ word: String) -> Bool {
        var searchStart = startIndex
        while let found = self[searchStart...].range(of: word) {
            let before = found.lowerBound == startIndex ? nil : self[index(before: found.lowerBound)]
            let after = found.upperBound == endIndex ? nil : self[found.upperBound]
            let isWordCharacter = { (c: Character?) in c.map { $0.isLetter || $0.isNumber } ?? false }
            // A boundary matters only where the word itself begins or ends with a letter: "20% off".
            let openBefore = !isWordCharacter(word.first) || !isWordCharacter(before)
            let openAfter = !isWordCharacter(word.last) || !isWordCharacter(after)
            if openBefore, openAfter { return true }
            searchStart = index(after: found.lowerBound)
        }
        return false
    }
}
