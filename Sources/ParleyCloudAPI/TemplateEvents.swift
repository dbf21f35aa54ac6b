import ParleyPolicy

/// `message_template_status_update`: a template was approved, rejected, paused, disabled...
public struct TemplateStatusUpdate: Sendable, Equatable {
    public var key: TemplateKey
    public var templateID: String?
    public var status: TemplateStatus
    /// The platform's reason; `nil` when it sent none, `null` or `"NONE"`.
    public var reason: String?
    public var category: TemplateCategory?
    /// `other_info` title and description, or for a rejection its reason and recommendation.
    public var infoTitle: String?
    public var infoDescription: String?
    /// When a flagged template will be disabled, as the platform words it ("January 31, 2021").
    public var disableDate: String?
    public var time: Instant?

    public init(
        key: TemplateKey, templateID: String? = nil, status: TemplateStatus, reason: String? = nil,
        category: TemplateCategory? = nil, infoTitle: String? = nil, infoDescription: String? = nil,
        disableDate: String? = nil, time: Instant? = nil
    ) {
        self.key = key
        self.templateID = templateID
        self.status = status
        self.reason = reason
        self.category = category
        self.infoTitle = infoTitle
        self.infoDescription = infoDescription
        self.disableDate = disableDate
        self.time = time
    }
}

/// `message_template_quality_update`.
public struct TemplateQualityUpdate: Sendable, Equatable {
    public var key: TemplateKey
    public var templateID: String?
    public var previous: TemplateQuality?
    public var quality: TemplateQuality
    public var time: Instant?

    public init(
        key: TemplateKey, templateID: String? = nil, previous: TemplateQuality? = nil, quality: TemplateQuality,
        time: Instant? = nil
    ) {
        self.key = key
        self.templateID = templateID
        self.previous = previous
        self.quality = quality
        self.time = time
    }
}

/// `template_category_update`: the platform moved a template to another category.
public struct TemplateCategoryUpdate: Sendable, Equatable {
    public var key: TemplateKey
    public var templateID: String?
    public var previous: TemplateCategory?
    public var category: TemplateCategory
    public var time: Instant?

    public init(
        key: TemplateKey, templateID: String? = nil, previous: TemplateCategory? = nil, category: TemplateCategory,
        time: Instant? = nil
    ) {
        self.key = key
        self.templateID = templateID
        self.previous = previous
        self.category = category
        self.time = time
    }
}
