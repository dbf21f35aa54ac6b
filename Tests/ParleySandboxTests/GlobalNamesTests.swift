import Testing
@testable import ParleySandbox

/// The globals a script reads that nothing defines: found in the text, before it runs.
@Suite("Undefined globals")
struct GlobalNamesTests {
    let known: Set<String> = ["send", "pick_template", "string", "print", "pairs", "setmetatable"]

    func unknown(_ source: String) -> [String] { GlobalNames.undeclared(in: source, known: known).map { "\($0.line):\($0.name)" } }

    @Test("names in strings, comments and long brackets are not reads")
    func skipped() {
        #expect(unknown(#"""
            print("sendd is not a read") -- nor is sendd here
            --[==[ sendd
            ]==] print([[ sendd ]], 'sendd')
            """#) == [])
    }

    @Test("locals, parameters, for variables, assignments, functions and attributes declare; fields and methods are not reads")
    func declared() {
        #expect(unknown("""
            local a, b = 1, 2
            local function f(x, y, ...) return x + y + a + b end
            function M_helper(z) return z end
            M = {}
            function M.run(w) return w:upper() .. string.rep(w, 2) end
            for i, v in pairs({}) do print(i, v) end
            for n = 1, 3 do print(n) end
            local t <const> = setmetatable({ key = 1 }, {})
            print(t.key, t:method(), M_helper(1), f(1, 2))
            """) == [])
    }

    @Test("a read nothing declares is reported once, at its first line")
    func reported() {
        #expect(unknown("sendd(1)\nlocal x = sendd\nprint(pick_templat)") == ["1:sendd", "3:pick_templat"])
    }

    @Test("did you mean: the nearest name a slip of the keys away, or none")
    func spelling() {
        #expect(Spelling.closest(to: "sendd", among: known) == "send")
        #expect(Spelling.closest(to: "pick_templat", among: known) == "pick_template")
        #expect(Spelling.closest(to: "zebra", among: known) == nil)
    }
}
