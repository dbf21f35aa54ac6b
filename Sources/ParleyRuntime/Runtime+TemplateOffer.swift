import ParleyPolicy

/// One template of the catalog, as an agent could send it to one contact now.
public struct TemplateOffer: Sendable {
    public let template: Template
    /// Why `send` would refuse it now; nil when it would go.
    public let refusal: Refusal?
}

extension Runtime {
    /// Every template of the catalog, each judged for `contact` as `pick_template { name =,
    /// language =, to = }` judges it for `sender`: the whole decision (consent, window, number,
    /// limit, the template's own status). The agents' console offers those without a refusal,
    /// so what it offers is what `pick_template` would answer.
    public func templateOffers(to contact: ContactID, by sender: Sender) throws -> [TemplateOffer] {
        let contact = try store.canonical(contact)
        let facts = try sending.facts(for: contact, sender: sender)
        let catalog = store.catalog
        return catalog.templates.map { template in  // in key order
            let query = TemplateQuery(name: template.name, language: template.language)
            switch policy.pickTemplate(query, catalog: catalog, facts: facts, to: contact, at: now, by: sender) {
            case .success(let picked) where picked.key == template.key:
                return TemplateOffer(template: picked, refusal: nil)
            case .success(let picked):
                // The query's language fell back to another: this one itself would not be picked.
                return TemplateOffer(template: template, refusal: Refusal(.templateNotFound, "\(picked.key) would go in its place"))
            case .failure(let refusal):
                return TemplateOffer(template: template, refusal: refusal)
            }
        }
    }
}
