import ParleyJSON
import ParleyPolicy

/// What a transcript's `sent` records cost, by their estimates: in total and per category,
/// summed in millionths. What `parley simulate` reports at its end and a spec's `w:cost()`
/// reads (docs/rules.md §16.6). A record without a cost (no price table) adds nothing.
public struct CostTally: Sendable, Equatable {
    public private(set) var currency: String?
    public private(set) var total = Money.zero
    public private(set) var byCategory: [PricingCategory: Money] = [:]
    /// Priced messages per category, the free ones included.
    public private(set) var messages: [PricingCategory: Int] = [:]
    /// Messages priced free (a free entry point, or free inside the window).
    public private(set) var free = 0

    /// `currency`: the price table's, for a tally that has priced nothing yet.
    public init(currency: String? = nil) {
        self.currency = currency
    }

    public init(_ records: some Sequence<TranscriptRecord>, currency: String? = nil) {
        self.currency = currency
        for record in records { add(record) }
    }

    public mutating func add(_ record: TranscriptRecord) {
        guard record.type == "sent", let text = record["cost"]?.stringValue, let cost = Money(decimal: text) else { return }
        let category = Self.category(of: record)
        currency = record["currency"]?.stringValue ?? currency
        total += cost
        byCategory[category, default: .zero] += cost
        messages[category, default: 0] += 1
        if record["pricing_type"]?.stringValue != PricingType.regular.rawValue { free += 1 }
    }

    /// A template's category, lower-cased; a free-form message is `service`.
    static func category(of record: TranscriptRecord) -> PricingCategory {
        record["category"]?.stringValue.flatMap { PricingCategory(rawValue: $0.lowercased()) } ?? .service
    }

    public var priced: Int { messages.values.reduce(0, +) }

    /// `USD 0.1587: marketing 0.1058 (2 messages), service 0.0529 (1 message); 1 free`.
    public var summary: String {
        let parts = PricingCategory.allCases.compactMap { category -> String? in
            guard let count = messages[category] else { return nil }
            return "\(category.rawValue) \((byCategory[category] ?? .zero).decimal) (\(count) message\(count == 1 ? "" : "s"))"
        }
        let head = "\(currency ?? "") \(total.decimal)"
        guard !parts.isEmpty else { return head + ": no message priced" }
        return head + ": " + parts.joined(separator: ", ") + (free > 0 ? "; \(free) free" : "")
    }

    /// `w:cost()`: `{currency, total, marketing, utility, authentication, service, priced, free}`,
    /// amounts as numbers for a spec to compare.
    public var json: JSONValue {
        var fields: [String: JSONValue] = ["total": .double(total.double), "priced": .int(Int64(priced)), "free": .int(Int64(free))]
        for category in PricingCategory.allCases { fields[category.rawValue] = .double((byCategory[category] ?? .zero).double) }
        if let currency { fields["currency"] = .string(currency) }
        return .object(fields)
    }
}
