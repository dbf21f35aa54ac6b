import Foundation
import ParleyPolicy
import ParleyRuntime
import ParleySimulation

/// `parley-bench --attacks`: how long each attack on the sandbox runs before it is stopped,
/// against the wall-time budget of one call. Work inside C is where budgets are hardest to
/// keep; each of these once ran for minutes, or for ever.
struct AttackBenchmark {
    let stdlib: URL

    /// The budget every attack runs under: the default one.
    static let wallMilliseconds = 1000

    static let deepChain = """
    local deep = setmetatable({}, { __index = table.concat })
    for i = 1, 1990 do deep = setmetatable({}, { __index = deep }) end

    """

    static let attacks: [(name: String, lua: String)] = [
        ("an endless loop", "while true do end"),
        ("table.remove, __len = math.maxinteger", "table.remove(setmetatable({}, { __len = function() return math.maxinteger end }), 1)"),
        ("table.insert, __len = math.maxinteger - 1", "table.insert(setmetatable({}, { __len = function() return math.maxinteger - 1 end }), 1, 'x')"),
        ("table.concat of endless empty strings", "table.concat(setmetatable({}, { __index = table.concat }), '', 1, math.maxinteger)"),
        ("table.unpack through a 1,990-deep chain", deepChain + "table.unpack(deep, 1, 900000)"),
        ("table.sort through a 1,990-deep chain", deepChain + "table.sort(setmetatable({}, { __index = deep, __len = function() return 100000 end }))"),
        ("table.sort of one 8 MiB string, 100,000 times", "local s = ('x'):rep(1 << 23); local t = {}; for i = 1, 100000 do t[i] = s end; table.sort(t)"),
        ("a loop of string.packsize on 4 MiB", "local f = ('i'):rep(1 << 22); for i = 1, 1e9 do string.packsize(f) end"),
        ("a loop comparing two 8 MiB strings", "local a, b = ('x'):rep(1 << 23), ('x'):rep(1 << 23); for i = 1, 1e9 do local _ = a < b end"),
        ("a loop of pairs over 200,000 keys", "local t = {}; for i = 1, 200000 do t['k' .. i] = i end; while true do for k in pairs(t) do break end end"),
        ("a loop of text.upper on 1 MiB", "while true do text.upper(('x'):rep(1 << 20)) end"),
        ("memory without end", "local t = {}; for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end"),
        ("a back-reference pattern on 1 MB", "local s = ('a'):rep(1000000); s:match('^(a*)%1b')"),
        ("load of 0.6 MB of deeply nested source", """
            local names = {} for i = 1, 190 do names[i] = "a" .. i end
            local decl = "local " .. table.concat(names, ",") .. " "
            local parts = {}
            for l = 1, 190 do parts[#parts + 1] = "local function f" .. l .. "() " .. decl end
            parts[#parts + 1] = string.rep("x=x ", 100000)
            for l = 1, 190 do parts[#parts + 1] = " end" end
            load(table.concat(parts))
            """),
        ("1,000 __close handlers comparing 4 MiB strings", """
            local big1, big2 = ('x'):rep(1 << 22), ('x'):rep((1 << 22) - 1) .. 'y'
            local closer = setmetatable({}, { __close = function() for i = 1, 60 do local _ = big1 < big2 end end })
            local function dive(n) local x <close> = closer; if n > 0 then dive(n - 1) else while true do end end end
            dive(1000)
            """),
        ("log of 1,000 copies of a 1 MiB string", "local s = ('x'):rep(1 << 20); local t = {}; for i = 1, 1000 do t[i] = s end; log(t)"),
        ("text.contains, 128 KiB, ignoring case", "text.contains(('a'):rep(1 << 17), ('a'):rep(1 << 16) .. 'b', true)"),
    ]

    func run() throws {
        print("parley-bench --attacks: each attack in one call, budget \(Self.wallMilliseconds) ms of wall time")
        var worst = 0.0
        for attack in Self.attacks {
            let (seconds, outcome) = try measure(attack.lua)
            worst = max(worst, seconds)
            let figure = String(format: "%.2f s (%.1f×)", seconds, seconds * 1000 / Double(Self.wallMilliseconds))
            print(attack.name.padding(toLength: 50, withPad: " ", startingAt: 0) + figure.padding(toLength: 18, withPad: " ", startingAt: 0) + outcome)
        }
        print(String(format: "longest: %.2f s, %.1f× the budget (target: about 2×)", worst, worst * 1000 / Double(Self.wallMilliseconds)))
    }

    /// Runs the attack in a bot's on_message, in a world of its own; returns how long the
    /// call took and how it ended.
    private func measure(_ lua: String) throws -> (Double, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-attack-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bot = """
        return bot { name = "attacker", escalation = { queue = "support" },
          on_message = function(conv, msg)
            \(lua)
          end }
        """
        try bot.write(to: folder.appendingPathComponent("attacker.lua"), atomically: true, encoding: .utf8)
        var config = RuntimeConfig()
        config.budget.wallMilliseconds = Self.wallMilliseconds
        let simulation = try Simulation(Simulation.Setup(scripts: folder, templates: [], config: config, stdlib: stdlib),
                                        start: Instant(iso8601: "2026-01-05T10:00:00Z")!)
        var outcome = "answered"
        simulation.runtime.onRecord = { record in
            if record.type == "script_error", let error = record["error"]?.stringValue {
                // "attacker.lua:3: message": the message is what tells the attacks apart.
                let message = error.hasPrefix(folder.path) ? error.split(separator: ":", maxSplits: 2).last.map(String.init) ?? error : error
                outcome = String(message.trimmingCharacters(in: .whitespaces).prefix(60))
            }
        }
        let start = ContinuousClock.now  // wall-clock ok: what the benchmark measures
        try simulation.runtime.handle(.inbound(Inbound(from: ContactID("+14155550101")!, content: .text("attack"))))
        let elapsed = ContinuousClock.now - start  // wall-clock ok
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, outcome)
    }
}
