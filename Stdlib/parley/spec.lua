-- Specs for Parley scripts, busted-style: describe, it, before_each, after_each, pending,
-- assert, and world{...}: a fresh simulated world per test, driven with the events of a
-- scenario and checked with policy-aware assertions.
--
-- `parley test` loads this module for each spec file, binds it to the host's worlds, and
-- runs the tests one by one.

local M = {}

local host      -- the runner's functions: new, event, records, info, contact, finish
local locate    -- wraps a function so its errors name the caller's line

-- The tree of blocks, and the tests in the order they were declared.
local root = { name = nil, before = {}, after = {} }
local current = root
local tests = {}
local running = false       -- inside a test: it, before_each or after_each

-- Text ------------------------------------------------------------------------

local show

local function show_table(t, depth)
  if depth > 3 then return "{...}" end
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  local parts = {}
  local is_list = #keys == #t
  for _, k in ipairs(keys) do
    local v = show(t[k], depth + 1)
    if is_list then
      parts[#parts + 1] = v
    elseif type(k) == "string" and k:match("^[%a_][%w_]*$") then
      parts[#parts + 1] = k .. " = " .. v
    else
      parts[#parts + 1] = "[" .. show(k, depth + 1) .. "] = " .. v
    end
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

show = function(v, depth)
  depth = depth or 0
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) == "table" then return show_table(v, depth) end
  return tostring(v)
end

-- A failed assertion is a table, so a test's own error("...") is never mistaken for one;
-- locate() adds the spec's file and line to its message.
local function fail(message)
  error({ parley_failure = true, message = type(message) == "string" and message or show(message) }, 0)
end

local function message_of(problem)
  if type(problem) == "table" and type(problem.message) == "string" then return problem.message end
  if problem == nil then return "error(nil): the test raised an error with no message" end
  if type(problem) == "table" then return "error with a table: " .. show(problem) end
  return tostring(problem)
end

-- Deep equality for assert.same.
local function same(a, b, seen)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  seen = seen or {}
  if seen[a] == b then return true end
  seen[a] = b
  for k, v in pairs(a) do
    if not same(v, b[k], seen) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

-- Blocks and tests --------------------------------------------------------------

local function full_name(block, name)
  local parts = { name }
  local b = block
  while b and b.name do
    table.insert(parts, 1, b.name)
    b = b.parent
  end
  return table.concat(parts, " › ")
end

local function check_declaration(kind, name, fn)
  if running then error(kind .. " cannot be declared inside a test; declare it at the top or in describe", 3) end
  if type(name) ~= "string" then error(kind .. " needs a name (a string) first, got " .. type(name), 3) end
  if fn ~= nil and type(fn) ~= "function" then error(kind .. " \"" .. name .. "\" needs a function", 3) end
end

function M.describe(name, fn)
  check_declaration("describe", name, fn)
  local block = { name = name, parent = current, before = {}, after = {} }
  current = block
  local ok, problem = pcall(fn)
  current = block.parent
  if not ok then error(problem, 0) end
end

function M.it(name, fn)
  check_declaration("it", name, fn)
  if fn == nil then error("it \"" .. name .. "\" needs a function; use pending(\"...\") for a test to write later", 2) end
  tests[#tests + 1] = { name = full_name(current, name), title = name, fn = fn, block = current }
end

function M.pending(name)
  check_declaration("pending", name)
  tests[#tests + 1] = { name = full_name(current, name), title = name, pending = true, block = current }
end

function M.before_each(fn)
  if type(fn) ~= "function" then error("before_each needs a function", 2) end
  table.insert(current.before, fn)
end

function M.after_each(fn)
  if type(fn) ~= "function" then error("after_each needs a function", 2) end
  table.insert(current.after, fn)
end

-- The world --------------------------------------------------------------------

local World = {}
World.__index = World

--- world{ scripts = "Scripts", templates = "Scripts/templates.json", config = ...,
---        tier = "TIER_250", start = "2026-01-05T09:00:00Z" }
function M.world(options)
  if not running then
    error("world{...} belongs inside it or before_each: each test gets a fresh world", 2)
  end
  if options ~= nil and type(options) ~= "table" then error("world{...} takes a table of options", 2) end
  local id = host.new(options or {})
  return setmetatable({ id = id, cursor = 0 }, World)
end

-- Calls a host function for a World method; a mistake is reported at the spec's line
-- (level 3: this function, the World method, then the spec). Methods must not tail-call
-- this, or the spec's frame is gone.
local function ask(fn, ...)
  local results = table.pack(pcall(fn, ...))
  if not results[1] then error((tostring(results[2]):gsub("^[^\n:]+:%d+: ", "")), 3) end
  return table.unpack(results, 2, results.n)
end

local function event(w, fields)
  local ok, problem = pcall(host.event, w.id, fields)
  if not ok then error((tostring(problem):gsub("^[^\n:]+:%d+: ", "")), 3) end
end

local function with(fields, extra)
  if type(extra) == "table" then
    for k, v in pairs(extra) do fields[k] = v end
  end
  return fields
end

--- w:inbound(contact, "text" | { button = {payload=, text=} } | { reply = {id=, title=} } | { media = ... })
function World:inbound(contact, what)
  local fields = { type = "inbound", from = contact }
  if type(what) == "string" then fields.text = what else with(fields, what) end
  event(self, fields)
  return self
end

--- w:advance("25h") or w:advance{ to = "2026-01-06T09:00:00Z" }
function World:advance(by)
  if type(by) == "table" then
    event(self, { type = "advance", to = by.to })
  else
    event(self, { type = "advance", by = type(by) == "number" and tostring(by) or by })
  end
  return self
end

function World:macro(name, contact, args)
  event(self, { type = "macro", name = name, to = contact, args = args or {} })
  return self
end

--- w:agent_reply(contact, "text") or w:agent_reply(contact, { template = ..., params = {...} })
function World:agent_reply(contact, message)
  local fields = { type = "agent_reply", to = contact }
  if type(message) == "string" then fields.text = message else with(fields, message) end
  event(self, fields)
  return self
end

function World:release(contact, note)
  event(self, { type = "release", to = contact, note = note })
  return self
end

function World:template_status(name, language, status)
  event(self, { type = "template_status", name = name, language = language, status = status })
  return self
end

function World:template_quality(name, language, quality)
  event(self, { type = "template_quality", name = name, language = language, quality = quality })
  return self
end

function World:opt_in(contact)
  event(self, { type = "opt_in", contact = contact })
  return self
end

function World:opt_out(contact)
  event(self, { type = "opt_out", contact = contact })
  return self
end

function World:limit(tier)
  event(self, { type = "limit", tier = tier })
  return self
end

function World:number_status(status)
  event(self, { type = "number_status", status = status })
  return self
end

function World:identity_changed(contact)
  event(self, { type = "identity_changed", contact = contact })
  return self
end

function World:identity_ack(contact)
  event(self, { type = "identity_ack", contact = contact })
  return self
end


--- w:webhook(payload): a Cloud API webhook body, as a table.
function World:webhook(payload)
  event(self, { type = "webhook", body = payload })
  return self
end


--- The transcript records since the last w:clear().
function World:transcript()
  local records = ask(host.records, self.id, self.cursor)
  return records
end

--- Forgets what was asserted: assertions look only at records after this.
function World:clear()
  local records = ask(host.records, self.id, self.cursor)
  self.cursor = self.cursor + #records
  return self
end

--- { owner =, state =, language =, in_window =, seconds_left = } for a contact.
function World:conversation(contact)
  local info = ask(host.info, self.id, contact)
  return info
end

--- The simulated time, in seconds.
function World:now()
  local seconds = ask(host.now, self.id)
  return seconds
end

-- Assertions -------------------------------------------------------------------

local assert = {}

local function expect_world(w, name)
  if getmetatable(w) ~= World then fail("assert." .. name .. " takes a world first, as in assert." .. name .. "(w, {...})") end
end

-- The fields each kind of record has (docs/scripts.md), and what type a spec compares them with:
-- a misspelt field or a wrongly typed value is a mistake in the spec, and must not make an
-- assertion pass (or fail) without a word.
local record_fields = {
  sent = { at = "string", to = "string", kind = "string", by = "string", template = "string", language = "string",
           category = "string", text = "string", id = "string", buttons = "table", list = "table",
           image = "table", document = "table", video = "table", audio = "table", sticker = "table" },
  blocked = { at = "string", to = "string", reason = "string", code = "number", by = "string", stage = "string", kind = "string",
              template = "string", detail = "string", id = "string" },
  escalated = { at = "string", to = "string", queue = "string", reason = "string", route = "string", bot = "string" },
}

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- What is wrong with a Lua pattern, or nil. string.find reports a broken pattern only when
-- matching reaches the broken part, which a record that fails early never does.
local function pattern_problem(p)
  local i, captures, open = 1, 0, {}  -- open: the numbers of the captures not yet closed
  while i <= #p do
    local c = p:sub(i, i)
    if c == "%" then
      local n = p:sub(i + 1, i + 1)
      if n == "" then return "it ends with %" end
      if n == "b" then
        if #p < i + 3 then return "%b needs two characters, as in %b()" end
        i = i + 3
      elseif n == "f" then
        if p:sub(i + 2, i + 2) ~= "[" then return "%f needs a set, as in %f[%w]" end
        i = i + 1  -- the set itself is read next
      else
        if n:match("%d") then
          local k = tonumber(n)
          if k == 0 or k > captures then return "%" .. n .. " names no capture" end
          for _, o in ipairs(open) do
            if o == k then return "%" .. n .. " refers to a capture still open" end
          end
        end
        i = i + 1
      end
    elseif c == "[" then
      local j = i + 1
      if p:sub(j, j) == "^" then j = j + 1 end
      if p:sub(j, j) == "]" then j = j + 1 end
      while j <= #p and p:sub(j, j) ~= "]" do
        if p:sub(j, j) == "%" then j = j + 1 end
        j = j + 1
      end
      if j > #p then return "a [ set has no ]" end
      i = j
    elseif c == "(" then
      captures = captures + 1
      if captures > 32 then return "more than 32 captures" end
      open[#open + 1] = captures
    elseif c == ")" then
      if #open == 0 then return "a ) closes nothing" end
      open[#open] = nil
    end
    i = i + 1
  end
  if #open > 0 then return "a ( is not closed" end
  return nil
end

local function check_expected(kind, name, expected)
  local known = record_fields[kind]
  for key, value in pairs(expected) do
    local want = known[key]
    if want == nil then
      fail("assert." .. name .. ": a " .. kind .. " record has no field " .. show(key) .. "; its fields: " ..
        table.concat(sorted_keys(known), ", "))
    end
    if type(value) ~= want then
      fail("assert." .. name .. ": " .. key .. " is compared as a " .. want .. ", got " .. show(value) .. " (a " .. type(value) .. ")")
    end
  end
end

-- Does a record's field match what the spec expects?
local function field_matches(key, expected, actual)
  if actual == nil then return false end
  if key == "text" or key == "detail" then
    if type(actual) ~= "string" then return false end
    if actual:find(expected, 1, true) then return true end
    -- Not a valid pattern: it was meant as plain text (the failure message says so).
    return pattern_problem(expected) == nil and actual:find(expected) ~= nil
  end
  if key == "to" then
    return host.contact(expected) == actual
  end
  if type(expected) == "table" then return same(expected, actual) end
  return actual == expected
end

local function matches(record, expected)
  for key, value in pairs(expected) do
    if not field_matches(key, value, record[key]) then return false end
  end
  return true
end

-- The records around a failure: the last few since the last clear, one a line, as the
-- transcript writes them.
local function context(w)
  local all = host.lines(w.id, w.cursor)
  if #all == 0 then return "  (no records since the last clear)" end
  local lines = {}
  local first = math.max(1, #all - 11)
  if first > 1 then lines[#lines + 1] = "  ... " .. (first - 1) .. " earlier records" end
  for i = first, #all do lines[#lines + 1] = "  " .. all[i] end
  return table.concat(lines, "\n")
end

local function find_record(w, kind, expected, name)
  expect_world(w, name)
  if expected ~= nil and type(expected) ~= "table" then fail("assert." .. name .. " expects a table of fields, as in {text = \"...\"}") end
  check_expected(kind, name, expected or {})
  local records = w:transcript()
  for _, record in ipairs(records) do
    if record.type == kind and matches(record, expected or {}) then return record end
  end
  local count = 0
  for _, record in ipairs(records) do if record.type == kind then count = count + 1 end end
  local note = ""
  for _, key in ipairs({ "text", "detail" }) do
    local problem = type((expected or {})[key]) == "string" and pattern_problem(expected[key])
    if problem then
      note = note .. "\n(" .. key .. " " .. show(expected[key]) .. " is not a valid Lua pattern: " .. problem ..
        "; it was matched as plain text only)"
    end
  end
  fail("expected " .. (kind == "escalated" and "an " or "a ") .. kind .. " record with " .. show(expected or {}) .. ", but none of the " .. count ..
    " " .. kind .. " record" .. (count == 1 and "" or "s") .. " since the last clear matches." .. note .. " The transcript:\n" .. context(w))
end

function assert.sent(w, expected) return find_record(w, "sent", expected, "sent") end
function assert.blocked(w, expected) return find_record(w, "blocked", expected, "blocked") end
function assert.escalated(w, expected) return find_record(w, "escalated", expected, "escalated") end

--- assert.not_sent(w, {fields}): no sent record since the last clear matches.
function assert.not_sent(w, expected)
  expect_world(w, "not_sent")
  if type(expected) ~= "table" then fail("assert.not_sent expects a table of fields, as in {by = \"bot:orders\"}") end
  check_expected("sent", "not_sent", expected)
  for _, record in ipairs(w:transcript()) do
    if record.type == "sent" and matches(record, expected) then
      fail("expected no sent record with " .. show(expected) .. ", but " .. host.line(record) .. " was. The transcript:\n" .. context(w))
    end
  end
end

function assert.nothing_sent(w)
  expect_world(w, "nothing_sent")
  local records = w:transcript()
  for _, record in ipairs(records) do
    if record.type == "sent" then
      fail("expected nothing sent since the last clear, but " .. host.line(record) .. " was. The transcript:\n" .. context(w))
    end
  end
end

function assert.equals(expected, actual, message)
  if expected ~= actual then
    fail((message and (message .. ": ") or "") .. "expected " .. show(expected) .. ", got " .. show(actual))
  end
end

function assert.same(expected, actual, message)
  if not same(expected, actual) then
    fail((message and (message .. ": ") or "") .. "expected the same as " .. show(expected) .. ", got " .. show(actual))
  end
end

function assert.truthy(value, message)
  if not value then fail(message or ("expected a truthy value, got " .. show(value))) end
end

function assert.falsy(value, message)
  if value then fail(message or ("expected a falsy value, got " .. show(value))) end
end

function assert.is_nil(value, message)
  if value ~= nil then fail(message or ("expected nil, got " .. show(value))) end
end

function assert.not_nil(value, message)
  if value == nil then fail(message or "expected a value, got nil") end
end

--- assert.has_error(fn [, text]): fn must raise; with text, its message must contain it.
function assert.has_error(fn, expected)
  if type(fn) ~= "function" then fail("assert.has_error takes a function") end
  local ok, problem = pcall(fn)
  if ok then fail("expected an error" .. (expected and (" containing " .. show(expected)) or "") .. ", but the function returned") end
  if expected ~= nil and not message_of(problem):find(expected, 1, true) then
    fail("expected an error containing " .. show(expected) .. ", got " .. show(message_of(problem)))
  end
end

-- assert(value, message) works as Lua's own, as a failed assertion.
-- A spec cannot replace an assertion: one test's `assert.equals = ...` would pass the next.
local callable = setmetatable({}, {
  __index = assert,
  __newindex = function(_, key)
    error("assert." .. tostring(key) .. " belongs to the spec library and cannot be replaced", 2)
  end,
  __call = function(_, value, message, ...)   -- wrapped by locate() in install
    if not value then fail(message or "assertion failed!") end
    return value, message, ...
  end,
})

-- Running ------------------------------------------------------------------------

local function chain_of(block)
  local chain = {}
  while block do
    table.insert(chain, 1, block)
    block = block.parent
  end
  return chain
end

local controls = {}

function controls.tests()
  local list = {}
  for i, t in ipairs(tests) do list[i] = { name = t.name, title = t.title, pending = t.pending or false } end
  return list
end

-- Runs test i: the before_each hooks from the outermost block in, the test, then the
-- after_each hooks from the innermost out, which run even after a failure.
function controls.run(i)
  local t = tests[i]
  if t.pending then return { status = "pending" } end
  running = true
  local chain = chain_of(t.block)
  local ok, problem = true, nil
  for _, block in ipairs(chain) do
    for _, hook in ipairs(block.before) do
      if ok then ok, problem = pcall(hook) end
    end
  end
  if ok then ok, problem = pcall(t.fn) end
  for j = #chain, 1, -1 do
    for _, hook in ipairs(chain[j].after) do
      local hook_ok, hook_problem = pcall(hook)
      if ok and not hook_ok then ok, problem = hook_ok, hook_problem end
    end
  end
  running = false
  host.finish()
  if ok then return { status = "passed" } end
  local failed = type(problem) == "table" and problem.parley_failure == true
  return { status = failed and "failed" or "error", message = message_of(problem) }
end

-- Binds the module to the runner and makes the spec globals.
function M.install(runner, locate_fn, globals)
  host, locate = runner, locate_fn
  for name, fn in pairs(assert) do assert[name] = locate(fn) end
  globals.describe = locate(M.describe)
  globals.it = locate(M.it)
  globals.pending = locate(M.pending)
  globals.before_each = locate(M.before_each)
  globals.after_each = locate(M.after_each)
  globals.world = locate(M.world)
  getmetatable(callable).__call = locate(getmetatable(callable).__call)
  globals.assert = callable
  runner.controls(controls.tests, controls.run)
end

return M
