import Foundation
import ParleyDistribution
import ParleyPolicy
@testable import ParleySandbox
@testable import ParleyScripting
import ParleyTesting
import Testing

/// The annotations against the host: every function the host registers for scripts and
/// specs has an annotation, and every annotation names something a live sandbox has.
/// The host's names come from the lists it registers (the primitives, conv's methods,
/// `text.*`, `os.*`) and from a standard sandbox's global table; a probe bot and a probe
/// spec report what a running script and spec actually see.
@Suite("editor annotations")
struct AnnotationTests {
    static let annotated = Annotated(EmbeddedFiles.annotationFiles)
    static var primitives: Primitives { Primitives(identity: IdentityBox(nil), host: nil) }

    /// The functions the scripting layer registers as globals: send, in_window...
    static var primitiveNames: Set<String> { Set(primitives.globals.map(\.name)) }
    /// conv's methods, without their `conv.` prefix.
    static var conversationMethods: Set<String> { Set(primitives.conversationMethods.map { String($0.name.dropFirst("conv.".count)) }) }
    static func members(_ functions: [HostFunction], of table: String) -> Set<String> {
        Set(functions.map(\.name).filter { $0.hasPrefix(table + ".") }.map { String($0.dropFirst(table.count + 1)) })
    }
    static var textNames: Set<String> { members(TextLibrary.functions, of: "text") }
    static var osNames: Set<String> { members(ClockLibrary.functions(now: { Instant(millisecondsSinceEpoch: 0) }, start: Instant(millisecondsSinceEpoch: 0)), of: "os") }

    /// Every global of a standard sandbox (what scripts and specs start from), read from its
    /// global table by the host.
    static func standardGlobals() throws -> Set<String> {
        let log = HostFunction("log", [.init("values", .restAsText)], returns: "nothing") { _ in [] }
        let sandbox = try LuaSandbox.standard(limits: .default, modules: ModuleLibrary(stdlib: try builtInStdlib(), scripts: nil),
                                              now: { Instant(millisecondsSinceEpoch: 0) }, log: log, globals: [])
        return sandbox.globalNames().subtracting(["self", "_ENV"])
    }

    /// What the probes saw, by what they looked at: `globals`, `text`, `os`, `conv` (which of
    /// the names asked about exist), `replies`, `assert`, `world` (every key), `spec_globals`.
    static let seen: [String: Set<String>] = {
        do { return try probe() } catch { return ["error": [String(describing: error)]] }
    }()

    static func probe() throws -> [String: Set<String>] {
        let folder = try temporaryFolder("probe")
        let unknown = "no_such_name"
        let asked = (annotated.globals.union(primitiveNames).map { "g:\($0)" }
            + annotated.members["text", default: []].union(textNames).map { "t:\($0)" }
            + annotated.members["os", default: []].union(osNames).map { "o:\($0)" }
            + annotated.members["Conv", default: []].union(conversationMethods).map { "c:\($0)" }
            + ["g", "t", "o", "c"].map { "\($0):\(unknown)" }).sorted().joined(separator: " ")
        try """
        local replies = require "parley.replies"
        local function keys(t)
          local out = {}
          for k in pairs(t) do out[#out + 1] = tostring(k) end
          return table.concat(out, " ")
        end
        local replies_names = keys(replies)
        local places = { g = "globals", t = "text", o = "os", c = "conv" }
        return bot {
          name = "probe",
          escalation = { contact = "Call +1 212 555 0100" },
          on_message = function(conv, msg)
            local tables = { g = _G, t = text, o = os, c = conv }
            local found = { g = {}, t = {}, o = {}, c = {} }
            for kind, name in msg.text:gmatch("(%a):([%w_]+)") do
              local ok, value = pcall(function() return tables[kind][name] end)
              if ok and value ~= nil then table.insert(found[kind], name) end
            end
            for kind, place in pairs(places) do log(place .. "=" .. table.concat(found[kind], " ")) end
            log("replies=" .. replies_names)
          end,
        }
        """.write(to: folder.appendingPathComponent("probe.lua"), atomically: true, encoding: .utf8)
        let specAsked = annotated.globals.union(specLibraryGlobals()).union([unknown]).sorted()
        try """
        local function keys(t)
          local out = {}
          for k in pairs(t) do if k ~= "__index" then out[#out + 1] = tostring(k) end end
          return table.concat(out, " ")
        end
        local present = {}
        for _, name in ipairs { "\(specAsked.joined(separator: "\", \""))" } do
          local ok, value = pcall(function() return _G[name] end)
          if ok and value ~= nil then present[#present + 1] = name end
        end
        print("spec_globals=" .. table.concat(present, " "))
        print("assert=" .. keys(getmetatable(assert).__index))
        it("probes", function()
          local w = world {}
          print("world=" .. keys(getmetatable(w)))
          w:inbound("+12125550123", "\(asked)")
        end)
        """.write(to: folder.appendingPathComponent("probe_spec.lua"), atomically: true, encoding: .utf8)
        var lines: [String] = []
        let summary = SpecRunner(stdlib: try builtInStdlib()).run(try SpecRunner.specFiles(in: [folder.path]), log: { lines.append($0) })
        guard summary.failed == 0 else { return ["error": Set(summary.results.compactMap(\.message))] }
        var seen: [String: Set<String>] = [:]
        for line in lines {
            // "[source] name=a b c"
            guard let close = line.range(of: "] "), let equals = line[close.upperBound...].firstIndex(of: "=") else { continue }
            seen[String(line[close.upperBound..<equals])] = Set(line[line.index(after: equals)...].split(separator: " ").map(String.init))
        }
        return seen
    }

    @Test("the probes ran, and name nothing that does not exist")
    func probesRan() {
        #expect(Self.seen["error"] == nil, "\(Self.seen["error"] ?? [])")
        for key in ["globals", "text", "os", "conv", "replies", "spec_globals", "assert", "world"] {
            #expect(!(Self.seen[key] ?? []).isEmpty, "the probe did not report \(key)")
            #expect(!(Self.seen[key] ?? []).contains("no_such_name"), "\(key): the probe finds names that are not there")
        }
    }

    @Test("every host function and global beyond Lua's own has an annotation")
    func everyHostNameAnnotated() throws {
        let host = Self.primitiveNames.union(try Self.standardGlobals()).union(specLibraryGlobals()).subtracting(luaStandardGlobals)
        #expect(host.isSuperset(of: ["send", "in_window", "pick_template", "escalate_to_human", "hand_off", "schedule", "now", "log",
                                     "conversations", "mark_read", "bot", "router", "macro", "automation", "text", "describe", "it", "world"]))
        let missing = host.subtracting(Self.annotated.globals).sorted()
        #expect(missing.isEmpty, "no annotation in Annotations/ for \(missing.joined(separator: ", ")): add one, then run ./contrib/embed-files.sh")
    }

    @Test("every annotated global exists in a running script or spec")
    func everyAnnotationExists() {
        let live = (Self.seen["globals"] ?? []).union(Self.seen["spec_globals"] ?? [])
        let stale = Self.annotated.globals.subtracting(live).sorted()
        #expect(stale.isEmpty, "Annotations/ names \(stale.joined(separator: ", ")), which no script or spec has: remove or rename it")
    }

    @Test("text.*, os.* and conv's methods: registered, annotated and live are the same", arguments: ["text", "os", "Conv"])
    func registeredMembersMatch(table: String) {
        let registered = table == "text" ? Self.textNames : table == "os" ? Self.osNames : Self.conversationMethods
        let live = Self.seen[table == "Conv" ? "conv" : table] ?? []
        let annotated = Self.annotated.members[table] ?? []
        #expect(!registered.isEmpty)
        #expect(registered.subtracting(annotated).isEmpty, "\(table): no annotation for \(registered.subtracting(annotated).sorted())")
        #expect(annotated.subtracting(registered).isEmpty, "\(table): annotated, but the host registers no \(annotated.subtracting(registered).sorted())")
        #expect(live == annotated, "\(table): a running script has \(live.sorted()), the annotations \(annotated.sorted())")
    }

    @Test("parley.replies, the assertions and a world's methods match their annotations", arguments: [
        ("replies", "replies"), ("assert", "assert"), ("world", "World"),
    ])
    func libraryMembersMatch(seen key: String, annotatedAs table: String) {
        let live = Self.seen[key] ?? []
        let annotated = Self.annotated.members[table] ?? []
        #expect(!live.isEmpty)
        #expect(live.subtracting(annotated).isEmpty, "\(table): no annotation for \(live.subtracting(annotated).sorted())")
        #expect(annotated.subtracting(live).isEmpty, "\(table): annotated, but missing in the host: \(annotated.subtracting(live).sorted())")
    }
}
