import ParleyPolicy

/// Which conversations an automation asks for (`conversations{owner=, in_window=,
/// closing_within=}`), in the terms a store can index: the owner, and a range of the last
/// inbound message's time (the window is open while it is recent enough).
public struct ConversationQuery: Sendable, Equatable {
    public var owner: Owner?
    /// Only those whose last inbound message is later than this.
    public var lastInboundAfter: Instant?
    /// Only those whose last inbound message is at or before this; with `orNever`, also
    /// those with none.
    public var lastInboundAtOrBefore: Instant?
    public var orNever = false

    public init(owner: Owner? = nil, lastInboundAfter: Instant? = nil, lastInboundAtOrBefore: Instant? = nil, orNever: Bool = false) {
        self.owner = owner
        self.lastInboundAfter = lastInboundAfter
        self.lastInboundAtOrBefore = lastInboundAtOrBefore
        self.orNever = orNever
    }

    /// Everything.
    public static let all = ConversationQuery(orNever: true)

    public func includes(_ c: Conversation) -> Bool {
        if let owner, c.owner != owner { return false }
        guard let last = c.lastInbound else { return orNever && lastInboundAfter == nil }
        if let after = lastInboundAfter, last <= after { return false }
        if let until = lastInboundAtOrBefore, last > until { return false }
        return true
    }
}
