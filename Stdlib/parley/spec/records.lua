-- The assertions on a world's transcript: sent, blocked, escalated, not_sent and
-- nothing_sent look at the records since the last w:clear().

local values = require "parley.spec.values"
local world = require "parley.spec.world"
local show, same, fail = values.show, values.same, values.fail
local is_world, transcript = world.is_world, world.transcript

local host   -- the runner's functions (parley.spec binds them)

local function expect_world(w, name)
  if not is_world(w) then fail("assert." .. name .. " takes a world first, as in assert." .. name .. "(w, {...})") end
end

-- What a spec compares each JSON type of the host's record schema as.
local lua_type = { string = "string", number = "number", boolean = "boolean", array = "table", object = "table" }

-- The fields each kind of record has, from the host's schema (docs/scripts.md §16), and
-- the type a spec compares each with: a misspelt field or a wrongly typed value is a
-- mistake in the spec, and must not make an assertion pass (or fail) without a word.
-- `type` is not among them: the assertion names the kind.
local record_fields = {}

local function bind(runner)
  host = runner
  for kind, fields in pairs(host.schema()) do
    local known = {}
    for name, json_type in pairs(fields) do known[name] = lua_type[json_type] end
    known.type = nil
    record_fields[kind] = known
  end
end

-- "a sent", "an escalated": a kind of record with its article.
local function a(kind)
  return (kind:match("^[aeiou]") and "an " or "a ") .. kind
end

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
      fail("assert." .. name .. ": " .. a(kind) .. " record has no field " .. show(key) .. "; its fields: " ..
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

-- Record i since the last clear, as the transcript writes it.
local function line(w, i)
  return host.lines(w.id, w.cursor + i - 1)[1]
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
  local records = transcript(w)
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
  fail("expected " .. a(kind) .. " record with " .. show(expected or {}) .. ", but none of the " .. count ..
    " " .. kind .. " record" .. (count == 1 and "" or "s") .. " since the last clear matches." .. note .. " The transcript:\n" .. context(w))
end

local assertions = {}

function assertions.sent(w, expected) return find_record(w, "sent", expected, "sent") end
function assertions.blocked(w, expected) return find_record(w, "blocked", expected, "blocked") end
function assertions.escalated(w, expected) return find_record(w, "escalated", expected, "escalated") end

--- assert.record(w, kind, {fields}): a record of any kind (`session_ended`, `handed_off`,
--- `opted_out`...) matches; returns it.
function assertions.record(w, kind, expected)
  if type(kind) ~= "string" or record_fields[kind] == nil then
    local kinds = sorted_keys(record_fields)
    fail("assert.record: " .. show(kind) .. " is not a kind of record; the kinds: " .. table.concat(kinds, ", "))
  end
  return find_record(w, kind, expected, "record")
end

--- assert.not_sent(w, {fields}): no sent record since the last clear matches.
function assertions.not_sent(w, expected)
  expect_world(w, "not_sent")
  if type(expected) ~= "table" then fail("assert.not_sent expects a table of fields, as in {by = \"bot:orders\"}") end
  check_expected("sent", "not_sent", expected)
  for i, record in ipairs(transcript(w)) do
    if record.type == "sent" and matches(record, expected) then
      fail("expected no sent record with " .. show(expected) .. ", but " .. line(w, i) .. " was. The transcript:\n" .. context(w))
    end
  end
end

function assertions.nothing_sent(w)
  expect_world(w, "nothing_sent")
  for i, record in ipairs(transcript(w)) do
    if record.type == "sent" then
      fail("expected nothing sent since the last clear, but " .. line(w, i) .. " was. The transcript:\n" .. context(w))
    end
  end
end

-- Amounts are compared in whole millionths, as the host sums them, and shown as the
-- transcript writes them: "0.0529", "1.50".
local function micros(amount) return math.floor(amount * 1000000 + 0.5) end

local function money(amount)
  local m = micros(amount)
  local text = string.format("%d.%06d", m // 1000000, m % 1000000):gsub("0+$", "")
  local decimals = #text:match("%.(.*)$")
  return decimals < 2 and text .. string.rep("0", 2 - decimals) or text
end

local categories = { marketing = true, utility = true, authentication = true, service = true }

--- assert.cost(w, { max =, min =, category = }): the estimated cost of what was sent since
--- the last clear (of one category's messages, with category) is within the bounds; returns it.
function assertions.cost(w, expected)
  expect_world(w, "cost")
  if type(expected) ~= "table" then fail("assert.cost expects a table, as in assert.cost(w, {max = 1.50})") end
  for key, value in pairs(expected) do
    if key ~= "max" and key ~= "min" and key ~= "category" then
      fail("assert.cost: unknown field " .. show(key) .. "; it takes max, min and category")
    end
    if (key == "max" or key == "min") and type(value) ~= "number" then
      fail("assert.cost: " .. key .. " is an amount in the price table's currency, got " .. show(value))
    end
  end
  if expected.max == nil and expected.min == nil then fail("assert.cost: give max, min or both, as in {max = 1.50}") end
  local category = expected.category
  if category ~= nil and not categories[category] then
    fail("assert.cost: category " .. show(category) .. " is not one of marketing, utility, authentication, service")
  end
  local cost = host.cost(w.id, w.cursor)
  if cost == nil then
    fail("assert.cost: this world has no price table, so no cost is known; give its parley.toml a [pricing.<category>] table " ..
      "with a default rate, or world{config = ...} one that has")
  end
  local amount = category and cost[category] or cost.total
  local too_much = expected.max ~= nil and micros(amount) > micros(expected.max)
  local too_little = expected.min ~= nil and micros(amount) < micros(expected.min)
  if not (too_much or too_little) then return amount end
  local what = category and (category .. " messages") or "what was sent"
  local bound = too_much and ("at most " .. money(expected.max)) or ("at least " .. money(expected.min))
  local lines = {}
  for _, record in ipairs(transcript(w)) do
    if record.type == "sent" and record.cost ~= nil then
      local of = record.category and record.category:lower() or "service"
      if category == nil or of == category then
        lines[#lines + 1] = "  " .. record.id .. " to " .. record.to .. ": " .. of .. ", " .. record.pricing_type .. ", " .. record.cost
      end
    end
  end
  fail("expected the estimated cost of " .. what .. " since the last clear to be " .. bound .. " " .. cost.currency ..
    ", but it is " .. money(amount) .. " " .. cost.currency .. ". The messages priced:\n" ..
    (#lines > 0 and table.concat(lines, "\n") or "  (none)"))
end

return { assertions = assertions, bind = bind }
