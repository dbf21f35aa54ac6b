import ParleyJSON
import ParleyScripting
import ParleyPolicy

/// One key of parley.toml, declared once (`ConfigFile.keys`): its table, what it takes,
/// what it sets and its line of help. Reading a file, the errors for unknown keys and
/// wrong values, and the key table in README.md all come from the declarations.
struct ConfigKey<Settings> {
    let name: String
    /// The table it sits in: `""` for the top of the file, `"budget"`, `"queues.<name>"`.
    let section: String
    /// What it takes, as the key table says: `"whole number, 1 to 60000"`, `"delay"`.
    let takes: String
    let help: String
    /// What an unset key means, for a key without a default value.
    let unset: String?
    /// Reads the key's value into the settings, or says what is wrong with it.
    let set: (JSONValue, inout Settings) throws(ConfigProblem) -> Void
    /// The value the settings hold, as the file writes it; `nil` when unset.
    let value: (Settings) -> JSONValue?
    /// A value the key takes, for the test that every key reads back what it was given.
    let sample: JSONValue

    /// `budget.wall_ms`, as messages and the key table name it.
    var path: String { section.isEmpty ? name : "\(section).\(name)" }

    /// A key that sets one setting, and reads back from it.
    init<Value>(_ name: String, in section: String = "", _ kind: ConfigValue<Value>, _ setting: WritableKeyPath<Settings, Value>, help: String) {
        self.init(name, in: section, kind, help: help, set: { $1[keyPath: setting] = $0 }, get: { $0[keyPath: setting] })
    }

    /// A key that sets an optional setting: `unset` says what its absence means.
    init<Value>(_ name: String, in section: String = "", _ kind: ConfigValue<Value>, _ setting: WritableKeyPath<Settings, Value?>,
                unset: String, help: String) {
        self.init(name, in: section, kind, unset: unset, help: help, set: { $1[keyPath: setting] = $0 }, get: { $0[keyPath: setting] })
    }

    /// A key with its own way of setting and reading back.
    init<Value>(_ name: String, in section: String = "", _ kind: ConfigValue<Value>, unset: String? = nil, help: String,
                set: @escaping (Value, inout Settings) -> Void, get: @escaping (Settings) -> Value?) {
        self.name = name
        self.section = section
        self.takes = kind.takes
        self.help = help
        self.unset = unset
        self.set = { value, settings throws(ConfigProblem) in set(try kind.read(value), &settings) }
        self.value = { get($0).map(kind.write) }
        self.sample = kind.write(kind.sample)
    }
}

/// What is wrong with a key's value, said after the key's name.
struct ConfigProblem: Error {
    let text: String
    init(_ text: String) { self.text = text }
}

/// A kind of value a key takes: how it is read, with the message for a wrong one, and how
/// it is written back.
struct ConfigValue<Value> {
    let takes: String
    let read: (JSONValue) throws(ConfigProblem) -> Value
    let write: (Value) -> JSONValue
    let sample: Value

    /// The same kind, with a further check on what it read.
    func checked(takes: String, sample: Value, _ check: @escaping (Value) throws(ConfigProblem) -> Value) -> ConfigValue {
        let read = self.read
        return ConfigValue(takes: takes, read: { value throws(ConfigProblem) in try check(try read(value)) }, write: write, sample: sample)
    }
}

extension ConfigValue<String> {
    static var text: Self { text(like: "text") }

    /// Text, with a sample of what the key takes.
    static func text(like sample: String) -> Self {
        Self(takes: "text", read: { value throws(ConfigProblem) in
            guard let text = value.stringValue else {
                let kind = value.kindName
                throw ConfigProblem("must be a string, got \(kind == "array" || kind == "object" ? "an" : "a") \(kind)")
            }
            return text
        }, write: JSONValue.string, sample: sample)
    }

    /// An id the platform gives, as text or a number: `what` names it in the message.
    static func id(_ what: String) -> Self {
        Self(takes: "text or number", read: { value throws(ConfigProblem) in
            guard let id = value.textValue, !id.isEmpty else { throw ConfigProblem("must be \(what), as a string") }
            return id
        }, write: JSONValue.string, sample: "1234567890")
    }
}

extension ConfigValue<Bool> {
    /// `true` or `false`; the sample is the value that is not the key's default.
    static func flag(sample: Bool) -> Self {
        Self(takes: "true or false", read: { value throws(ConfigProblem) in
            guard case .bool(let flag) = value else { throw ConfigProblem("must be true or false") }
            return flag
        }, write: JSONValue.bool, sample: sample)
    }
}

extension ConfigValue<Int> {
    /// A whole number in `range`, scaled by `unit` (`memory_mb` holds bytes). Every number
    /// has a ceiling, so none can overflow what is computed from it.
    static func whole(_ range: ClosedRange<Int>, unit: Int = 1) -> Self {
        Self(takes: "whole number, \(range.lowerBound) to \(range.upperBound)", read: { value throws(ConfigProblem) in
            guard case .int(let n) = value, range.contains(Int(n)) else {
                throw ConfigProblem("must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return Int(n) * unit
        }, write: { .int(Int64($0 / unit)) }, sample: range.upperBound * unit)
    }
}

extension ConfigValue<Span> {
    /// A delay, read as every delay is (`Span(delay:)`), of at least `shortest`; `because`
    /// says why, when it is more than a moment.
    static func delay(atLeast shortest: Span = .milliseconds(1), because: String? = nil) -> Self {
        let rule = shortest == .milliseconds(1) ? "more than 0s" : "at least \(shortest)"
        return Self(takes: "delay, \(rule)", read: { value throws(ConfigProblem) in
            let span: Span
            do throws(DelayError) { span = try Span(delay: value) } catch { throw ConfigProblem(error.message) }
            guard span >= shortest else {
                throw ConfigProblem(because.map { "must be at least \"\(shortest)\": \($0)" } ?? "must be \(rule), such as \"1h\"")
            }
            return span
        }, write: { .string($0.description) }, sample: .days(30))
    }
}

extension ConfigValue<[String]> {
    static var texts: Self {
        Self(takes: "list of text", read: { value throws(ConfigProblem) in
            guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw ConfigProblem("must be a list of strings, e.g. [\"human\", \"agent\"]")
            }
            return items.compactMap(\.stringValue)
        }, write: { .array($0.map(JSONValue.string)) }, sample: ["sample"])
    }
}

extension ConfigValue<[Span]> {
    static var delays: Self {
        Self(takes: "list of delays", read: { value throws(ConfigProblem) in
            guard let items = value.arrayValue else { throw ConfigProblem("must be a list of delays, e.g. [\"3h\", \"6h\"]") }
            var spans: [Span] = []
            for item in items {
                do throws(DelayError) { spans.append(try Span(delay: item)) } catch { throw ConfigProblem(error.message) }
            }
            return spans
        }, write: { .array($0.map { .string($0.description) }) }, sample: [.hours(1), .minutes(90)])
    }
}

extension ConfigValue<Owner> {
    /// Where a conversation goes: `"bot:<name>"` or `"human:<queue>"`.
    static var route: Self {
        let text = ConfigValue<String>.text
        return Self(takes: "`\"bot:<name>\"` or `\"human:<queue>\"`", read: { value throws(ConfigProblem) in
            let route = try text.read(value)
            guard let owner = Owner(parsing: route) else { throw ConfigProblem("must be \"bot:<name>\" or \"human:<queue>\", got \"\(route)\"") }
            return owner
        }, write: { .string($0.description) }, sample: .bot("sample"))
    }
}
