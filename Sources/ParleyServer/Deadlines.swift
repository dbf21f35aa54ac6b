import ParleyConfig
import ParleyPolicy

/// When a busy runtime, or a stop, has become a stuck one: every figure follows from the
/// budgets, so a deployment with longer budgets is not called stuck for using them.
public struct Deadlines: Sendable, Equatable {
    /// `[budget] wall_ms`: how long one script call may run.
    public var wallBudget: Span
    /// Past this one call is stuck, and `/health` says so. The sandbox stops a call at its
    /// wall budget, and stopping it (an instruction hook's next turn, a state rebuilt from
    /// its file) takes at most about as long again: twice the budget, and 5 s for a loaded
    /// machine, is more than any call that can still end takes.
    public var stuckAfter: Span
    /// Past this the watchdog gives up on the call: it sets aside what the call was
    /// processing and ends the process, for a supervisor to start it again. Far past
    /// `stuckAfter`, so only a call nothing will ever stop gets there.
    public var overrunLimit: Span
    /// A graceful stop (SIGTERM, SIGINT) that has not finished by then ends the process.
    public var stop: Span
    /// How often the watchdog looks.
    public var pollInterval: Span

    public init(wallBudget: Span, stuckAfter: Span, overrunLimit: Span, stop: Span, pollInterval: Span = .milliseconds(250)) {
        self.wallBudget = wallBudget
        self.stuckAfter = stuckAfter
        self.overrunLimit = overrunLimit
        self.stop = stop
        self.pollInterval = pollInterval
    }

    /// The deadlines `settings`' budgets give. The stop's: 30 s, or, when the figures it has
    /// to wait for add up to more, the inbox's and the sender's drain windows (10 s each),
    /// one send's timeout and a call stopped at twice its budget.
    public init(settings: DeploymentConfig) {
        let wall = Span.milliseconds(Int64(settings.runtime.budget.wallMilliseconds))
        let sendTimeout = Span.milliseconds(Int64(settings.cloudAPI.timeoutMilliseconds))
        let drains = Span.seconds(InboxWorker.drainWindow.components.seconds + DeliveryWorker.drainWindow.components.seconds)
        self.init(wallBudget: wall, stuckAfter: wall * 2 + .seconds(5), overrunLimit: max(wall * 10, .seconds(10)),
                  stop: max(.seconds(30), drains + sendTimeout + wall * 2))
    }
}
