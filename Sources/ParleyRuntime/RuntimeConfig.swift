import Foundation
import ParleyLua
import ParleyPolicy

/// How a runtime is set up: the policy's figures, the scripts' budgets, the agent queues
/// and their hours, where unrouted conversations go, and what the core says on its own.
public struct RuntimeConfig: Sendable {
    public var policy = PolicyConfig()
    public var budget = Budget.default
    /// What one script call may ask of the host, beyond its CPU and memory budget.
    public var allowance = CallLimits()
    /// Opening hours per agent queue; a queue not listed is always open.
    public var queues: [String: QueueHours] = [:]
    /// Where a conversation goes when no router exists: `bot:<name>` or `human:<queue>`.
    /// Unset: the only bot, if there is exactly one, else the default queue.
    public var defaultRoute: Owner?
    /// The queue for escalations that name none (a bot with only a contact route, an
    /// automation, a failing router).
    public var defaultQueue = "support"
    /// The route to a person outside the chat when a bot gives none.
    public var defaultContactRoute: String?
    public var texts = CoreTexts()
    /// Messages from the same contact with an id already seen are dropped (the platform
    /// retries deliveries for days).
    public var deduplicatesInbound = true

    public init() {}

    public func isOpen(queue: String, at now: Instant) -> Bool {
        queues[queue]?.isOpen(at: now) ?? true
    }
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
    public var optedOut = "You will no longer receive marketing messages from us. Reply START to receive them again."
    public var optedIn = "You will receive our updates again. Reply STOP to stop them."

    public init() {}
}

/// When an agent queue is staffed: weekly ranges in a fixed UTC offset, e.g.
/// `"Mon-Fri 09:00-17:00, Sat 10:00-14:00"`.
public struct QueueHours: Sendable, Equatable {
    public struct Range: Sendable, Equatable {
        /// 0 = Monday … 6 = Sunday.
        public var days: Set<Int>
        public var opens: Int
        public var closes: Int
    }

    public var ranges: [Range]
    public var utcOffsetMinutes: Int

    public static let always = QueueHours(ranges: [Range(days: Set(0..<7), opens: 0, closes: 24 * 60)], utcOffsetMinutes: 0)
    public static let never = QueueHours(ranges: [], utcOffsetMinutes: 0)

    public init(ranges: [Range], utcOffsetMinutes: Int) {
        self.ranges = ranges
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    public func isOpen(at now: Instant) -> Bool {
        let (weekday, minute) = now.weekdayAndMinute(offsetMinutes: utcOffsetMinutes)
        return ranges.contains { $0.days.contains(weekday) && minute >= $0.opens && minute < $0.closes }
    }

    private static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Parses `"always"`, `"never"`, or comma-separated `"<days> <hh:mm>-<hh:mm>"` where days
    /// are `Mon`, `Mon-Fri` or `Sat,Sun`... and the offset is `"+01:00"`, `"-05:00"` or `"UTC"`.
    public init(parsing text: String, utcOffset: String = "UTC") throws(ConfigError) {
        guard let offset = QueueHours.offsetMinutes(utcOffset) else {
            throw ConfigError("utc_offset \"\(utcOffset)\" is not an offset; write \"+02:00\", \"-05:00\" or \"UTC\"")
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "always" { self = .always; self.utcOffsetMinutes = offset; return }
        if trimmed == "never" || trimmed == "closed" { self = .never; return }
        // Ranges are separated by commas, and so are days ("Sat,Sun 10:00-14:00"): a piece
        // without a time belongs to the range that follows it.
        var parts: [String] = []
        var carried = ""
        for piece in trimmed.split(separator: ";").flatMap({ $0.split(separator: ",", omittingEmptySubsequences: true) }) {
            let piece = piece.trimmingCharacters(in: .whitespaces)
            if piece.contains(":") {
                parts.append(carried.isEmpty ? piece : carried + "," + piece)
                carried = ""
            } else {
                carried = carried.isEmpty ? piece : carried + "," + piece
            }
        }
        if !carried.isEmpty { parts.append(carried) }
        var ranges: [Range] = []
        for part in parts {
            let pieces = part.split(separator: " ", omittingEmptySubsequences: true)
            guard pieces.count == 2, let days = QueueHours.days(String(pieces[0])), let times = QueueHours.times(String(pieces[1])) else {
                throw ConfigError("hours \"\(text)\": \"\(part)\" is not a range; write e.g. \"Mon-Fri 09:00-17:00, Sat 10:00-14:00\"")
            }
            ranges.append(Range(days: days, opens: times.0, closes: times.1))
        }
        guard !ranges.isEmpty else { throw ConfigError("hours is empty; write e.g. \"Mon-Fri 09:00-17:00\" or \"always\"") }
        self.init(ranges: ranges, utcOffsetMinutes: offset)
    }

    private static func days(_ text: String) -> Set<Int>? {
        if text.contains(",") {
            var all = Set<Int>()
            for item in text.split(separator: ",") {
                guard let some = days(String(item)) else { return nil }
                all.formUnion(some)
            }
            return all
        }
        let bounds = text.split(separator: "-").map { dayNames.firstIndex(of: String($0.prefix(3))) }
        guard !bounds.isEmpty, bounds.count <= 2, bounds.allSatisfy({ $0 != nil }) else { return nil }
        let first = bounds[0]!, last = bounds.last!!
        return first <= last ? Set(first...last) : Set(first...6).union(0...last)
    }

    private static func times(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let open = minutes(String(parts[0])), let close = minutes(String(parts[1])), open < close else { return nil }
        return (open, close)
    }

    private static func minutes(_ text: String) -> Int? {
        let hm = text.split(separator: ":")
        guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 else {
            return nil
        }
        return h * 60 + m
    }

    static func offsetMinutes(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t == "UTC" || t == "Z" || t.isEmpty { return 0 }
        guard let sign = t.first, sign == "+" || sign == "-" else { return nil }
        let hm = t.dropFirst().split(separator: ":")
        guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), h <= 14, m < 60 else { return nil }
        return (sign == "+" ? 1 : -1) * (h * 60 + m)
    }
}

/// A configuration mistake, with the key and the fix.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
