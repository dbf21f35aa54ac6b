/// What to do with a send that failed upstream.
public enum RetryAdvice: Sendable, Equatable, CustomStringConvertible {
    /// The platform or the network had a moment: send again on a `Backoff` schedule.
    case transient
    /// Sending the same request again gets the same answer: fix the message, the template,
    /// the recipient or the credentials instead.
    case never

    public var description: String {
        switch self {
        case .transient: return "transient"
        case .never: return "never"
        }
    }
}
