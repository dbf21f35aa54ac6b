import ParleyScripting

/// Hears each script call start and end, for a server's metrics: how long calls take and
/// how they end, per script. The runtime reads no clock of its own for this (its clock may
/// be simulated); an observer times calls on whatever clock it trusts.
///
/// Calls nest (a bot's handler may run while an automation's call is open, through a
/// hand-off), so an observer pairs each end with the latest start still open.
public protocol ScriptCallObserver: AnyObject {
    func scriptCallStarted()
    func scriptCallEnded(_ call: ScriptCallReport)
}

/// How one script call ended.
public struct ScriptCallReport: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case returned
        /// The script raised an error, or handed the host a value it cannot take.
        case failed
        /// A budget stopped it: `instructions`, `memory` or `wall_time`.
        case stopped(budget: String)
    }

    public let script: ScriptIdentity
    public let handler: String
    public let outcome: Outcome
}
