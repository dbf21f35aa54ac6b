import ParleyRuntime
import Testing

@testable import ParleyConfig

/// `[numbers.<name>]`: several numbers of one portfolio in one deployment.
@Suite("Configured numbers")
struct NumbersConfigTests {
    @Test("numbers read into their ids and throughputs; the default number stays cloud_api's")
    func numbers() throws {
        let config = try ConfigFile.parseDeployment("""
            [cloud_api]
            phone_number_id = "100"
            [numbers.sales]
            phone_number_id = "200"
            throughput = 250
            [numbers.shop]
            phone_number_id = "300"
            coexistence = true
            [numbers.support]
            phone_number_id = "400"
            """)
        #expect(config.cloudAPI.phoneNumberID == "100")
        #expect(config.cloudAPI.numbers == ["sales": "200", "shop": "300", "support": "400"])
        #expect(config.cloudAPI.phoneNumberID(of: "sales") == "200" && config.cloudAPI.phoneNumberID(of: nil) == "100")
        #expect(config.cloudAPI.numberNames["300"] == .some("shop") && config.cloudAPI.numberNames["100"] == .some(nil))
        let pacing = config.runtime.policy.pacing
        #expect(pacing.perSecond("sales") == 250 && pacing.perSecond("shop") == 20 && pacing.perSecond("support") == 80)
        #expect(pacing.perSecond(nil) == 80)
    }

    @Test("[numbers.main] declares the default number")
    func mainIsTheDefault() throws {
        let config = try ConfigFile.parseDeployment("[numbers.main]\nphone_number_id = \"100\"\ncoexistence = true")
        #expect(config.cloudAPI.phoneNumberID == "100" && config.cloudAPI.numbers.isEmpty)
        #expect(config.runtime.policy.pacing.perSecond(nil) == 20)
    }

    @Test("wrong numbers are refused with what to do", arguments: [
        ("[numbers.shop]\nphone_number_id = \"300\"\ncoexistence = true\nthroughput = 80",
         "parley.toml: numbers.shop.throughput: a number with coexistence = true (also used in the WhatsApp Business app) sends 20 messages per second, fixed; remove throughput"),
        ("[cloud_api]\nphone_number_id = \"100\"\n[numbers.sales]\nphone_number_id = \"100\"",
         "parley.toml: numbers.sales.phone_number_id: \"100\" is already the id of number main; each number has its own id"),
        ("[numbers.a]\nphone_number_id = \"200\"\n[numbers.b]\nphone_number_id = \"200\"",
         "parley.toml: numbers.b.phone_number_id: \"200\" is already the id of number a; each number has its own id"),
        ("[numbers.sales]\nthroughput = 10",
         "parley.toml: numbers.sales.phone_number_id: is required: the id of the number, from WhatsApp Manager"),
        ("[numbers.sales]\nphone_number_id = \"200\"\nthroughput = 1001",
         "parley.toml: numbers.sales.throughput: must be a whole number from 1 to 1000"),
        ("[cloud_api]\nphone_number_id = \"100\"\n[numbers.main]\nphone_number_id = \"101\"",
         "parley.toml: numbers.main.phone_number_id: \"101\" is not cloud_api.phone_number_id \"100\": main is the default number; give one id, or name this number otherwise"),
        ("[numbers.\"sa les\"]\nphone_number_id = \"200\"",
         "parley.toml: numbers.sa les: a number's name takes letters, digits, _ and -: [numbers.sales]"),
    ])
    func refused(_ text: String, _ message: String) {
        #expect(throws: ConfigError(message)) { try ConfigFile.parseDeployment(text) }
    }

    @Test("a number's keys read back what they were given")
    func numberKeys() throws {
        for key in ConfigFile.numberKeys where key.name != "coexistence" {
            var settings = NumberSettings()
            try key.set(key.sample, &settings)
            #expect(key.value(settings) == key.sample)
        }
    }
}
