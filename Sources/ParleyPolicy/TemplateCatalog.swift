/// Every template the business has, keyed by name and language, and how each one
/// stands. The catalog follows the platform's status, quality and category updates.
public struct TemplateCatalog: Sendable, Equatable {
    private var entries: [TemplateKey: Template] = [:]

    public init(_ templates: [Template] = []) {
        for t in templates { entries[t.key] = t }
    }

    public var templates: [Template] { entries.keys.sorted().map { entries[$0]! } }
    public var count: Int { entries.count }

    public subscript(key: TemplateKey) -> Template? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    public func languages(of name: String) -> [String] {
        entries.keys.filter { $0.name == name }.map(\.language).sorted()
    }

    /// The template `name` in `language` when one is given (exactly that language), else in
    /// the first of `preferred` that exists, else its only language.
    public func resolve(name: String, language: String?, preferred: [String]) -> Template? {
        if let language { return entries[TemplateKey(name: name, language: language)] }
        for lang in preferred {
            if let t = entries[TemplateKey(name: name, language: lang)] { return t }
        }
        let all = languages(of: name)
        return all.count == 1 ? entries[TemplateKey(name: name, language: all[0])] : nil
    }

    /// Applies a status change from the platform. A `PAUSED` counts as the next pause:
    /// the first lasts `pauses[0]`, the second `pauses[1]`, and one more disables the
    /// template for good (docs/rules.md §2). Returns the template as it now stands, or
    /// `nil` when the catalog has no such template.
    @discardableResult
    public mutating func apply(status: TemplateStatus, to key: TemplateKey, at now: Instant, pauses: [Span]) -> Template? {
        guard var t = entries[key] else { return nil }
        // DISABLED is for good (docs/rules.md §2, "never again"). Webhooks arrive duplicated
        // and reordered (§9), so a stale APPROVED or PAUSED must not bring a disabled
        // template back, as it did. A template made again comes back as a new catalog
        // entry (the template sync, or the subscript).
        if t.status == .disabled { return t }
        switch status {
        case .paused:
            if t.status(at: now) == .paused { break }  // a repeated notice of the same pause
            Self.startPause(&t, at: now, pauses: pauses)
        default:
            t.status = status
            t.pausedUntil = nil
        }
        entries[key] = t
        return t
    }

    /// The next pause of `t`, from `now`; past the allowed pauses, disabled.
    private static func startPause(_ t: inout Template, at now: Instant, pauses: [Span]) {
        t.pauseCount += 1
        if t.pauseCount > pauses.count {
            t.status = .disabled
            t.pausedUntil = nil
        } else {
            t.status = .paused
            t.pausedUntil = now + pauses[t.pauseCount - 1]
        }
    }

    /// Templates that arrived `PAUSED` (from a templates file or a sync) with no pause the
    /// core is timing: each counts as its next pause from `now`, as a webhook's would, so it
    /// comes back when that pause ends instead of staying paused for ever.
    public mutating func timePauses(at now: Instant, pauses: [Span]) {
        for (key, template) in entries where template.status == .paused && template.pausedUntil == nil {
            var t = template
            Self.startPause(&t, at: now, pauses: pauses)
            entries[key] = t
        }
    }

    @discardableResult
    public mutating func apply(quality: TemplateQuality, to key: TemplateKey) -> Template? {
        guard entries[key] != nil else { return nil }
        entries[key]!.quality = quality
        return entries[key]
    }

    @discardableResult
    public mutating func apply(category: TemplateCategory, to key: TemplateKey) -> Template? {
        guard entries[key] != nil else { return nil }
        entries[key]!.category = category
        return entries[key]
    }
}

extension TemplateCatalog {
    /// The catalog after a sync at `now`: the platform's templates as they are, but a pause
    /// the core is timing keeps its count and end, and a `PAUSED` the core is not timing
    /// (new, or reported after the last pause ended) is timed as the next pause. Templates
    /// gone from the platform are kept as DELETED, so a message naming one says why it
    /// cannot go.
    public func merged(with synced: [Template], at now: Instant, pauses: [Span]) -> TemplateCatalog {
        var merged = TemplateCatalog()
        for var t in synced {
            if let old = self[t.key] {
                t.pauseCount = old.pauseCount
                if t.status == .paused, old.status(at: now) == .paused { t.pausedUntil = old.pausedUntil }
            }
            merged[t.key] = t
        }
        for var old in templates where merged[old.key] == nil {
            old.status = .other("DELETED")
            merged[old.key] = old
        }
        merged.timePauses(at: now, pauses: pauses)
        return merged
    }
}
