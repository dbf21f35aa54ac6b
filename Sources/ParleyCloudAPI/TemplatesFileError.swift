/// Why a templates file was refused, naming the entry and field and saying how to fix it:
///
///     templates.json: entry 3 ("order_update"): field "language" is missing; give the template's language code, e.g. "en_US"
public struct TemplatesFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's name as the user knows it.
    public var file: String
    /// The entry, counted from 1 as a person counts them; `nil` for the file as a whole.
    public var entry: Int?
    /// The entry's template name, when it has a readable one.
    public var name: String?
    /// The field at fault, as a path within the entry (`components[1].text`).
    public var field: String?
    /// What is wrong and what to do about it.
    public var problem: String

    public init(file: String, entry: Int? = nil, name: String? = nil, field: String? = nil, problem: String) {
        self.file = file
        self.entry = entry
        self.name = name
        self.field = field
        self.problem = problem
    }

    public var description: String {
        var text = "\(file):"
        if let entry {
            text += " entry \(entry)"
            if let name { text += " (\"\(name)\")" }
            text += ":"
        }
        if let field { text += " field \"\(field)\"" }
        return text + " " + problem
    }
}
