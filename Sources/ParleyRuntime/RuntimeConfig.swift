import Foundation
import ParleySandbox
import ParleyPolicy

/// How a runtime is set up: the policy's figures, the scripts' budgets, the agent queues
/// and their hours, where unrouted conversations go, and what the core says on its own.
public struct RuntimeConfig: Sendable {
    public var policy = PolicyConfig()
    public var budget = Budget.default
    /// What one script call may ask of the host, beyond its CPU and memory budget.
    public var allowance = CallLimits()
    /// The agent queues, each with the hours it is staffed. Every queue a script, a router or
    /// the configuration names must be one of them; without a `[queues]` table in the file,
    /// the default queue alone, always staffed.
    public var queues: [String: QueueHours] = ["support": .always]
    /// Where a conversation goes when no router exists: `bot:<name>` or `human:<queue>`.
    /// Unset: the only bot, if there is exactly one, else the default queue.
    public var defaultRoute: Owner?
    /// The queue for escalations that name none (a bot with only a contact route, an
    /// automation, a failing router).
    public var defaultQueue = "support"
    /// How long a session a bot (or nobody) holds lasts without an inbound message; `nil`:
    /// the window's length. A person's session waits for them to resolve it.
    public var sessionIdle: Span?
    /// The route to a person outside the chat when a bot gives none.
    public var defaultContactRoute: String?
    public var texts = CoreTexts()
    /// Messages from the same contact with an id already seen are dropped (the platform
    /// retries deliveries for days).
    public var deduplicatesInbound = true

    public init() {}

    /// Whether someone staffs `queue` at `now`. A queue not declared is never staffed: the
    /// contact is told so rather than promised a reply nobody will give.
    public func isOpen(queue: String, at now: Instant) -> Bool {
        queues[queue]?.isOpen(at: now) ?? false
    }

    /// How long a session lasts without an inbound message.
    public var sessionIdleSpan: Span { sessionIdle ?? policy.windowLength }

    /// The declared queues, for messages that name them.
    public var declaredQueues: String { queues.keys.sorted().joined(separator: ", ") }
}

/// What one script call may ask of the host: each send is a policy decision in the audit
/// trail, each log line goes to disk, each timer into the agenda. A script in a loop would
/// otherwise fill them; past a bound, the host function raises an error that says which.
public struct CallLimits: Sendable, Equatable {
    /// Messages to one contact in one call.
    public var sendsPerContact = 100
    /// Messages in all, in one call of a bot, router or macro (which answer one conversation).
    public var sendsPerCall = 100
    /// Messages in all, in one run of an automation (which may write to many).
    public var sendsPerAutomationRun = 10_000
    /// Bytes of `log` and `print` in one call.
    public var logBytes = 64 << 10
    /// Timers one call may set.
    public var timersPerCall = 100
    /// Timers waiting for one conversation at once.
    public var timersPerConversation = 100

    public init() {}
}

/// What the core itself says to contacts.
public struct CoreTexts: Sendable, Equatable {
    public var handoff = "Connecting you with a person. Someone from our team will reply here shortly."
    public var outOfHours = "Our team is not available right now."
    public var botError = "Sorry, something went wrong on our side."
    public var optedOut = "You will no longer receive messages from us, except answers when you write to us. Reply START to receive them again."
    public var optedIn = "You will receive our messages again. Reply STOP to stop them."

    public init() {}
}

/// A configuration mistake, with the key and the fix.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
