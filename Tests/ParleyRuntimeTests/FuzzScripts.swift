/// The scripts of the host-function fuzz: a module that calls one host function with
/// extreme and odd values, and a bot and an automation that run it. Written in Lua so the
/// values are real script values (cyclic tables, functions, coroutines, invalid UTF-8)
/// and every call goes through the same dispatch, send and policy as a deployment's.
enum FuzzScripts {
    /// `run(target, conv)` calls the host function `target` names (`"send:2"`: its second
    /// argument varied over the pool, the others ordinary; `"send:random"`: every argument
    /// drawn from the pool, by a seeded generator) and returns what happened: calls, errors,
    /// and `odd`, the calls whose error was not a string (none may be).
    static let module = #"""
    local M = {}

    -- An argument list with its length, so nil arguments keep their place.
    local function args(...) return table.pack(...) end

    -- What each target calls: a function, its ordinary arguments and, for a function that
    -- takes a table, which argument that is and the fields it knows (to vary each).
    local function targets(conv)
      local date = { year = 2026, month = 1, day = 1 }
      local message = { "text", "template", "language", "params", "header_params", "image", "buttons", "list", "header", "footer" }
      return {
        send = { send, args(conv, "hello"), 2, message },
        in_window = { in_window, args(conv) },
        pick_template = { pick_template, args({ name = "order_update", to = conv }), 1, { "name", "category", "language", "params", "to" } },
        escalate_to_human = { escalate_to_human, args(conv, { note = "n" }), 2, { "queue", "reason", "note" } },
        schedule = { schedule, args(conv, "1h", "t", { a = 1 }) },
        now = { now, args(1) },
        log = { log, args("x", "y", "z") },
        print = { print, args("x", "y", "z") },
        conversations = { conversations, args({}), 1, { "owner", "in_window", "closing_within" } },
        not_understood = { conv and conv.not_understood or function() end, args(conv) },
        ["text.trim"] = { text.trim, args(" Hi ") },
        ["text.lower"] = { text.lower, args("Hi") },
        ["text.upper"] = { text.upper, args("Hi") },
        ["text.length"] = { text.length, args("Hi") },
        ["text.split"] = { text.split, args("a,b", ",") },
        ["text.words"] = { text.words, args("a b") },
        ["text.contains"] = { text.contains, args("abc", "b", true) },
        ["text.starts_with"] = { text.starts_with, args("abc", "a") },
        ["text.ends_with"] = { text.ends_with, args("abc", "c") },
        ["text.fold"] = { text.fold, args("Não") },
        ["os.time"] = { os.time, args(date), 1, { "year", "month", "day", "hour", "min", "sec" } },
        ["os.date"] = { os.date, args("%c", 0) },
        ["os.clock"] = { os.clock, args(1) },
      }
    end

    -- Extremes of every kind, each in its own slot (nil too: the list keeps a count).
    local function pool(conv)
      local big = ("x"):rep((1 << 20) + 1)     -- past every limit on one string
      local cyclic = {}; cyclic.self = cyclic
      local deep = {}; local d = deep; for _ = 1, 40 do d.next = {}; d = d.next end
      local refs = {}; for i = 1, 1000 do refs[i] = big end   -- 1 GB of JSON in 1 MiB of Lua
      local wide = {}; for i = 1, 100001 do wide[i] = i end
      local values = { n = 0 }
      local function add(...)
        for i = 1, select("#", ...) do values.n = values.n + 1; values[values.n] = (select(i, ...)) end
      end
      add(nil, true, false)
      add(0, -1, 1, math.mininteger, math.maxinteger, 0/0, -(0/0), math.huge, -math.huge, 1e308, -1e308,
          -0.0, 2^63, -2^63, 2^53 + 1, 0.5, 1e-300)
      add("", big, "\xff\xfe", "ok\xc3", "\xed\xa0\x80", "a\0b", "a" .. ("\u{301}"):rep(10000),
          ("\u{1F1FA}"):rep(5000), "99999999999999999999d", "1e400", "-1", "nan", "inf", "0x10", "1h",
          "+1 (415) 555-0100", "US.13491208655302741918", ("9"):rep(300), ("%c"):rep(600), "*t", "!*t",
          "%", "%Q", ("a"):rep(65536) .. "b")
      add(print, function() error({}) end, coroutine.create(function() end))
      add(cyclic, deep, refs, wide, {}, { 1, 2, 3 }, { a = 1 }, { 1, a = 1 }, { [1] = 1, [5] = 5 },
          { [1.5] = 1 }, { [true] = 1 }, { ["\xff"] = 1 }, { ["\u{e9}"] = 1, ["e\u{301}"] = 2 },
          { x = "\xff" }, { f = print }, { n = 0/0 }, { [math.mininteger] = 1 },
          setmetatable({ real = 1 }, { __index = function() error("boom") end, __pairs = function() error("boom") end }),
          _G, string, conv, { contact = big }, { contact = math.mininteger }, { contact = "\xff" },
          { contact = conv }, { contact = {} })
      -- Fewer, for the fields of tables: one of each kind.
      local few = { n = 0 }
      for _, v in ipairs { true, 0, -1, math.mininteger, math.maxinteger, 0/0, math.huge, -0.0, 2^63, "", big,
                           "\xff\xfe", "99999999999999999999d", print, cyclic, refs, {}, conv or {} } do
        few.n = few.n + 1; few[few.n] = v
      end
      few.n = few.n + 1  -- and nil
      return values, few
    end

    -- Extremes as the fields of the table a function takes, and, for messages, nested
    -- where send looks (template params, media, buttons, list rows).
    local function shaped(spec, few)
      local out = { n = 0 }
      local function add(t) out.n = out.n + 1; out[out.n] = t end
      local base = spec[3] and spec[2][spec[3]]
      if type(base) ~= "table" then base = {} end
      for _, field in ipairs(spec[4] or {}) do
        for i = 1, few.n do
          local t = {}
          for k, v in pairs(base) do t[k] = v end
          t[field] = few[i]
          add(t)
        end
      end
      if spec[1] == send then
        for i = 1, few.n do
          local e = few[i]
          add { template = "order_update", params = { e, e }, header_params = { x = e } }
          add { template = { name = e, language = e } }
          add { image = { link = e, caption = e, id = e, filename = e } }
          add { text = "t", buttons = { { id = e, title = e }, e } }
          add { text = "t", list = { button = e, sections = { { title = e, rows = { { id = e, title = e, description = e }, e } } } } }
        end
      end
      return out
    end

    local function merged(a, b)
      local out = { n = 0 }
      for _, list in ipairs { a, b } do
        for i = 1, list.n do out.n = out.n + 1; out[out.n] = list[i] end
      end
      return out
    end

    -- A seeded generator: the same draws every run.
    local seed = 0x2545F4914F6CDD1D
    local function draw(n)
      seed = seed * 6364136223846793005 + 1442695040888963407
      return (seed >> 33) % n + 1
    end

    function M.run(target, conv)
      local name, which = target:match("^([%w_.]+):(%w+)$")
      local spec = targets(conv)[name]
      if not spec then error("no fuzz target " .. tostring(target)) end
      local f, base = spec[1], spec[2]
      local extremes, few = pool(conv)
      local values = merged(extremes, shaped(spec, few))
      local result = { calls = 0, errors = 0, odd = 0 }
      local function call(arguments)
        local ok, err = pcall(f, table.unpack(arguments, 1, arguments.n))
        result.calls = result.calls + 1
        if not ok then
          result.errors = result.errors + 1
          if type(err) ~= "string" then result.odd = result.odd + 1 end
        end
      end
      if which == "random" then
        seed = 0x2545F4914F6CDD1D + #name
        for _ = 1, 200 do
          local arguments = { n = math.max(base.n, 1) }
          for p = 1, arguments.n do arguments[p] = values[draw(values.n)] end
          call(arguments)
        end
      else
        local position = tonumber(which)
        for i = 1, values.n do
          local arguments = { n = math.max(base.n, position) }
          for p = 1, arguments.n do arguments[p] = base[p] end
          arguments[position] = values[i]
          call(arguments)
        end
      end
      return result
    end

    -- Every target: each argument position, then random draws.
    function M.targets()
      local list = {}
      local names = {}
      for name in pairs(targets(nil)) do names[#names + 1] = name end
      table.sort(names)
      for _, name in ipairs(names) do
        for p = 1, math.max(targets(nil)[name][2].n, 1) do list[#list + 1] = name .. ":" .. p end
        list[#list + 1] = name .. ":random"
      end
      return list
    end

    return M
    """#

    /// A bot that runs the target its message numbers (in the list `targets` keeps in its
    /// state) and keeps what happened in its state.
    static let bot = #"""
    local fuzz = require "lib.fuzz"
    return bot {
      name = "fuzz",
      escalation = { queue = "support" },
      on_message = function(conv, msg)
        if msg.text == "targets" then
          conv.state.targets = fuzz.targets()
        elseif msg.text == "hello" then
          send(conv, "fine")
        else
          -- By number: a target's name in the message could read as a keyword ("human").
          conv.state.fuzz = fuzz.run(fuzz.targets()[tonumber(msg.text)], conv)
        end
      end,
      on_timer = function(conv, name, data) end,
      on_window_closing = function(conv, seconds_left) end,
    }
    """#

    /// An automation that runs `conversations` and `send` targets without a conversation of
    /// its own, the only place `conversations{...}` answers.
    static let automation = #"""
    local fuzz = require "lib.fuzz"
    local loaded_at = now()   -- the first run is enough: time runs on after it
    return automation {
      name = "fuzz_sweep",
      every = "1h",
      run = function()
        if now() - loaded_at > 3600 then return end
        for _, target in ipairs { "conversations:1", "conversations:random", "send:1", "send:2" } do
          local r = fuzz.run(target, { contact = "+14155550101" })
          log(string.format("sweep %s: %d calls, %d errors, %d odd", target, r.calls, r.errors, r.odd))
        end
      end,
    }
    """#
}
