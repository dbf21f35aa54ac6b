/// What one handler call may spend. A call that exceeds any of them is stopped, its
/// conversation escalates, and the state it ran in is rebuilt.
public struct Budget: Sendable, Equatable {
    /// Lua VM instructions, counted in steps of 1,000.
    public var instructions: Int
    /// Bytes the whole Lua state may hold.
    public var memoryBytes: Int
    /// Wall time, checked between instruction steps: it catches scripts that spend their
    /// time in C library calls or keep swallowing errors.
    public var wallMilliseconds: Int

    /// The most one value may hold when it crosses from a script to the host: a
    /// `conv.state`, a timer's data, a message, one argument. Counted as the JSON it
    /// becomes, each occurrence of a shared string or table anew.
    public var dataBytes: Int

    public init(instructions: Int = 10_000_000, memoryBytes: Int = 32 << 20, wallMilliseconds: Int = 1000, dataBytes: Int = 64 << 10) {
        self.instructions = instructions
        self.memoryBytes = memoryBytes
        self.wallMilliseconds = wallMilliseconds
        self.dataBytes = dataBytes
    }

    public static let `default` = Budget()
}

/// Why a call failed.
public enum ScriptFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The script raised an error (or misused a host function).
    case error(String)
    /// A budget was exceeded, at the script's `file:line` when one was running; the state
    /// must be rebuilt.
    case killed(KillReason, at: String? = nil)
    /// A value the script returned or stored cannot cross into the host.
    case conversion(String)

    public var description: String {
        switch self {
        case .error(let message): return message
        case .killed(let reason, let place): return reason.message + (place.map { " (at \($0))" } ?? "")
        case .conversion(let message): return message
        }
    }

    /// The budget that stopped the call, if one did.
    public var killReason: KillReason? {
        if case .killed(let reason, _) = self { return reason }
        return nil
    }

    /// Whether the state that produced it may be used again.
    public var poisonsState: Bool {
        if case .killed = self { return true }
        return false
    }
}

public enum KillReason: String, Sendable, Equatable {
    case instructions, memory, wallTime = "wall_time"

    public var message: String {
        switch self {
        case .instructions: return "script stopped: instruction budget exceeded"
        case .memory: return "script stopped: memory budget exceeded"
        case .wallTime: return "script stopped: wall-time budget exceeded"
        }
    }
}
