import ParleyJSON
import ParleyGraphAPI
import ParleyPolicy
import ParleyRuntime

/// `[numbers.<name>]`: the business numbers of one portfolio that the deployment answers
/// from. They share the messaging limit; each has its own throughput. The default number,
/// `[cloud_api] phone_number_id`, is called `main` and may be declared as `[numbers.main]`.
extension ConfigFile {
    static var numberKeys: [ConfigKey<NumberSettings>] {
        [
            .init("phone_number_id", in: "numbers.<name>", .id("the number's id"), \.phoneNumberID, unset: "required",
                  help: "the number's id; events for it reach its conversations, and their replies go from it"),
            .init("throughput", in: "numbers.<name>", .whole(1...1_000), \.throughput, unset: "`80`; `20` with `coexistence`",
                  help: "messages per second from this number"),
            .init("coexistence", in: "numbers.<name>", .flag(sample: true), \.coexistence,
                  help: "the number is also used in the WhatsApp Business app: its throughput is fixed at 20"),
        ]
    }
}

/// One number's keys, as read.
struct NumberSettings {
    var phoneNumberID: String?
    var throughput: Int?
    var coexistence = false

    /// The platform's default, and the fixed rate of a number shared with the Business app.
    static let defaultThroughput = 80
    static let coexistenceThroughput = 20
}

extension ConfigReader {
    /// Each `[numbers.<name>]`: its id for the Cloud API, its throughput for the pacer.
    /// `main` is the default number. Two numbers with one id are refused: an event for it
    /// could not say which conversation it belongs to.
    func readNumbers(_ tables: [String: JSONValue], into config: inout DeploymentConfig) throws(ConfigError) {
        var owners: [String: String] = [:]
        if let id = config.cloudAPI.phoneNumberID { owners[id] = ContactID.defaultNumber }
        for (name, value) in tables.sorted(by: { $0.key < $1.key }) {
            let at = "numbers.\(name)"
            guard ContactID.isNumberName(name) else { throw fail(at, "a number's name takes letters, digits, _ and -: [numbers.sales]") }
            guard let fields = value.objectValue else { throw fail(at, "must be a table with phone_number_id = \"...\"") }
            var number = NumberSettings()
            try refuseUnknown(in: fields, at: at, known: ConfigFile.numberKeys.map(\.name))
            try apply(ConfigFile.numberKeys, from: fields, at: at, to: &number)
            if number.coexistence, number.throughput != nil {
                throw fail("\(at).throughput", "a number with coexistence = true (also used in the WhatsApp Business app) sends 20 messages per second, fixed; remove throughput")
            }
            let isDefault = name == ContactID.defaultNumber
            guard let id = number.phoneNumberID ?? (isDefault ? config.cloudAPI.phoneNumberID : nil) else {
                throw fail("\(at).phone_number_id", "is required: the id of the number, from WhatsApp Manager")
            }
            if isDefault, let declared = config.cloudAPI.phoneNumberID, declared != id {
                throw fail("\(at).phone_number_id", "\"\(id)\" is not cloud_api.phone_number_id \"\(declared)\": main is the default number; give one id, or name this number otherwise")
            }
            if let other = owners[id], other != name {
                throw fail("\(at).phone_number_id", "\"\(id)\" is already the id of number \(other); each number has its own id")
            }
            owners[id] = name
            let rate = number.coexistence ? NumberSettings.coexistenceThroughput : number.throughput ?? NumberSettings.defaultThroughput
            if isDefault {
                config.cloudAPI.phoneNumberID = id
                config.runtime.policy.pacing.numberPerSecond = rate
                config.runtime.policy.pacing.numberBurst = rate
            } else {
                config.cloudAPI.numbers[name] = id
                config.runtime.policy.pacing.numbersPerSecond[name] = rate
            }
        }
    }
}
