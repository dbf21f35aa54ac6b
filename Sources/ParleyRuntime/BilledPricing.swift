import ParleyJSON
import ParleyPolicy

/// The `pricing` object of a status webhook: how the platform billed one of our messages,
/// as it spells it. The `status` record keeps it beside the estimate made when the message
/// went, and says where the two disagree, so an admin sees the platform's word.
public struct BilledPricing: Sendable, Equatable {
    /// Deprecated by the platform since per-message pricing, but still sent.
    public var billable: Bool?
    /// `marketing`, `utility`, `authentication`, `authentication_international`,
    /// `marketing_lite`, `service`; older payloads: `business_initiated`, `user_initiated`...
    public var category: String?
    /// `regular`, `free_customer_service`, `free_entry_point`; absent before per-message pricing.
    public var type: String?
    /// `PMP` (per message), or `CBP` (per conversation, before July 2025).
    public var model: String?

    public init(billable: Bool? = nil, category: String? = nil, type: String? = nil, model: String? = nil) {
        self.billable = billable
        self.category = category
        self.type = type
        self.model = model
    }

    /// The `status` record's `pricing`, with the platform's names.
    var json: JSONValue {
        var fields: [String: JSONValue] = [:]
        if let billable { fields["billable"] = .bool(billable) }
        if let category { fields["category"] = .string(category) }
        if let type { fields["type"] = .string(type) }
        if let model { fields["pricing_model"] = .string(model) }
        return .object(fields)
    }

    /// Where the platform's billing and Parley's estimate disagree, in a sentence; `nil`
    /// when they agree, or when the status predates per-message pricing (no `type`), whose
    /// conversation categories say nothing about one message.
    public func disagreement(with estimate: Pricing) -> String? {
        guard let type else { return nil }
        var differences: [String] = []
        let estimated = estimate.type.rawValue
        let cost = estimate.cost.map { " at \(estimate.currency) \($0.decimal)" } ?? ""
        if type != estimated {
            switch (type == PricingType.regular.rawValue, estimate.type.isFree) {
            case (true, true): differences.append("the platform billed a message Parley estimated free (\(estimated))")
            case (false, false): differences.append("the platform did not bill (\(type)) a message Parley estimated\(cost) (regular)")
            default: differences.append("the platform counted it \(type), Parley \(estimated)")
            }
        }
        if let category, category != estimate.category.rawValue {
            differences.append("the platform's category is \(category), Parley estimated \(estimate.category.rawValue)")
        }
        return differences.isEmpty ? nil : differences.joined(separator: "; ")
    }
}
