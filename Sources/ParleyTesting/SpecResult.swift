import Foundation
import ParleyRuntime

/// How one test ended.
public struct SpecResult: Sendable, Equatable {
    public enum Status: String, Sendable {
        case passed, failed, pending
        /// The test, a hook or the file raised an error that was not a failed assertion.
        case error
    }

    /// The spec file, as messages name it.
    public let file: String
    /// The test's name, with its describe blocks: `orders bot › answers an order number`.
    public let name: String
    /// The test's own name, without its describe blocks.
    public let title: String
    public let status: Status
    /// What went wrong, with the spec's line and the transcript around the failure.
    public let message: String?
    /// The records of the test's worlds: written as lines only when asked for, as most
    /// results are passes nobody reads.
    let records: [TranscriptRecord]

    public init(file: String, name: String, title: String? = nil, status: Status, message: String? = nil, records: [TranscriptRecord] = []) {
        self.file = file
        self.name = name
        self.title = title ?? name
        self.status = status
        self.message = message
        self.records = records
    }

    /// The transcript lines of the test's worlds, for `--verbose`, errors and JUnit.
    public var transcript: [String] { records.map(\.line) }

    public var isFailure: Bool { status == .failed || status == .error }
}

/// The results of a run, and the totals its closing line reports.
public struct SpecSummary: Sendable {
    public var results: [SpecResult] = []
    /// Bots whose escalation path at least one passing test took, each with the scripts
    /// folder its world loaded: a bot of the same name elsewhere is another bot.
    public var escalatedBots: Set<EscalatedBot> = []

    public init() {}

    public var passed: Int { results.filter { $0.status == .passed }.count }
    public var failed: Int { results.filter(\.isFailure).count }
    public var pending: Int { results.filter { $0.status == .pending }.count }

    /// `12 passed, 1 failed` (and `, 2 pending` when there are any).
    public var closingLine: String {
        "\(passed) passed, \(failed) failed" + (pending > 0 ? ", \(pending) pending" : "")
    }
}

/// A bot a passing test saw escalate, and the scripts folder it was loaded from.
public struct EscalatedBot: Hashable, Sendable {
    public let scripts: String
    public let bot: String

    /// `scripts` is compared as a standardized path.
    public init(scripts: URL, bot: String) {
        self.scripts = scripts.standardizedFileURL.resolvingSymlinksInPath().path
        self.bot = bot
    }
}
