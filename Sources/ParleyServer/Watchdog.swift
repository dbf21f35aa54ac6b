import Foundation
import Logging
import ParleyPolicy
import ParleyRuntime
import Synchronization

/// What a server's watchdog works with besides the settings: by default, the deadlines the
/// budgets give and the process's real end. Tests give short deadlines, or an end that is
/// only recorded.
public struct WatchdogSetup: Sendable {
    public var deadlines: Deadlines?
    public var exit: @Sendable (Int32) -> Void

    public init(deadlines: Deadlines? = nil, exit: @escaping @Sendable (Int32) -> Void = Watchdog.exitProcess) {
        self.deadlines = deadlines
        self.exit = exit
    }
}

/// Watches, from a thread of its own, for what the process cannot recover from by itself:
/// a script call far past its budget (the sandbox failed to stop it, and nothing can take
/// its thread back) and a graceful stop past its deadline. Either way it logs critically,
/// sets aside what the stuck call was processing, and ends the process with `exitStatus`
/// for a supervisor to start it again.
///
/// A thread, not a task: Swift's task pool has one thread per core (two here), and a stuck
/// call holds one of them for good.
public final class Watchdog: Sendable {
    public enum Verdict: Equatable, Sendable {
        case fine
        /// The script call now running has run this long, past `overrunLimit`.
        case callOverrun(Span)
        /// The stop was asked for this long ago, past the stop's deadline.
        case stopOverdue(Span)
    }

    /// EX_SOFTWARE: something inside failed, and a restart is the way out.
    public static let exitStatus: Int32 = 70

    public let deadlines: Deadlines
    private let callRunning: @Sendable (Instant) -> Span?
    private let setAside: @Sendable () -> String
    private let now: @Sendable () -> Instant
    private let exit: @Sendable (Int32) -> Void
    private let logger: Logger
    private let stopAskedAt = Mutex<Instant?>(nil)
    private let state = Mutex<(finished: Bool, fired: Bool)>((false, false))

    /// - Parameters:
    ///   - callRunning: how long the script call now running has run at an instant; nil when none runs.
    ///   - setAside: sets aside what the stuck call was processing; says what it did.
    ///   - now: the clock; tests move it.
    ///   - exit: ends the process; tests record instead.
    public init(deadlines: Deadlines, callRunning: @escaping @Sendable (Instant) -> Span?, setAside: @escaping @Sendable () -> String,
                logger: Logger, now: @escaping @Sendable () -> Instant = { SystemClock().now },
                exit: @escaping @Sendable (Int32) -> Void = Watchdog.exitProcess) {
        self.deadlines = deadlines
        self.callRunning = callRunning
        self.setAside = setAside
        self.logger = logger
        self.now = now
        self.exit = exit
    }

    /// Ends the process at once. Not `exit`: its handlers and destructors could wait forever
    /// on the stuck thread's locks. Nothing is lost: SQLite in WAL mode survives an end at
    /// any instant, as it survives `kill -9`.
    public static let exitProcess: @Sendable (Int32) -> Void = { status in
        fflush(nil)  // every open output stream: the logs' critical line is the last thing said
        _exit(status)
    }

    /// A graceful stop has begun: from now on it has `deadlines.stop` to finish.
    public func stopAsked() {
        let at = now()
        stopAskedAt.withLock { if $0 == nil { $0 = at } }
    }

    /// What the watchdog sees at `instant`. A stuck call comes first: when the stop is
    /// overdue because of it, what it was processing is set aside all the same.
    public func verdict(at instant: Instant) -> Verdict {
        if let running = callRunning(instant), running > deadlines.overrunLimit { return .callOverrun(running) }
        if let asked = stopAskedAt.withLock({ $0 }), instant - asked > deadlines.stop { return .stopOverdue(instant - asked) }
        return .fine
    }

    /// One look, and the action it calls for. Fires once at most; returns what it saw.
    @discardableResult
    public func check() -> Verdict {
        let verdict = verdict(at: now())
        guard verdict != .fine, firesNow() else { return verdict }
        switch verdict {
        case .fine:
            return verdict
        case .callOverrun(let span):
            let outcome = setAside()
            logger.critical("""
                a script call has run \(span), past the watchdog's limit of \(deadlines.overrunLimit) (its wall budget is \
                \(deadlines.wallBudget)): the sandbox did not stop it, and its thread cannot be taken back. \(outcome). \
                Exiting with status \(Self.exitStatus) for the supervisor to restart parley serve
                """)
        case .stopOverdue(let span):
            let call = callRunning(now()).map { "a script call has been running for \($0)" } ?? "no script call is running"
            logger.critical("""
                the graceful stop has not finished \(span) after it was asked for (its deadline is \(deadlines.stop); \(call)). \
                Exiting with status \(Self.exitStatus); unprocessed webhooks and queued messages are in the database for the next start
                """)
        }
        exit(Self.exitStatus)
        return verdict
    }

    /// Starts looking every `deadlines.pollInterval`, until `finish()` or until it fires.
    public func start() {
        let interval = Double(deadlines.pollInterval.milliseconds) / 1000
        let thread = Thread { [self] in
            while !state.withLock({ $0.finished || $0.fired }) {
                Thread.sleep(forTimeInterval: interval)
                check()
            }
        }
        thread.name = "parley-watchdog"
        thread.start()
    }

    /// The server has stopped: the watchdog's thread ends.
    public func finish() {
        state.withLock { $0.finished = true }
    }

    /// Whether the watchdog has fired.
    public var fired: Bool { state.withLock { $0.fired } }

    private func firesNow() -> Bool {
        state.withLock { state in
            guard !state.fired, !state.finished else { return false }
            state.fired = true
            return true
        }
    }
}
