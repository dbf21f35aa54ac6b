/// One thing wrong with a template draft, in the words a reviewer would use, with the fix.
public struct LintProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        /// The platform refuses the template, or its reviewers reject it for this.
        case error
        /// Allowed, but a cause of rejection, re-categorization or a poor display.
        case warning
    }

    public let severity: Severity
    /// The file the template came from, as the user named it.
    public let file: String
    /// `name/language`, or `#2` for a template without a name.
    public let template: String
    /// `name`, `header`, `body`, `footer`, `buttons[2]`, `category`, `account`...
    public let component: String
    public let message: String
    public let fix: String

    public init(_ severity: Severity, file: String, template: String, component: String, _ message: String, fix: String) {
        self.severity = severity
        self.file = file
        self.template = template
        self.component = component
        self.message = message
        self.fix = fix
    }

    /// `file: template › component: error: message`, and the fix on a line of its own.
    public var description: String {
        "\(file): \(template) › \(component): \(severity.rawValue): \(message)\n    fix: \(fix)"
    }
}
