-- The script constructors: bot, router, macro and automation.
--
-- A script file returns one table made by one of these. Each checks its fields when the
-- file loads and refuses it with a message that names the file and line (from the
-- caller's position), the field, and the fix. The host checks again what policy needs
-- (a bot's escalation path) so that no table can slip past the core.

local delay = require "parley.delay"
local schedule = require "parley.schedule"

local M = {}

local function describe(value)
  local t = type(value)
  if t == "string" then return string.format("the string %q", value) end
  if t == "table" then return "a table" end
  return t == "nil" and "nothing" or ("a " .. t)
end

-- The edit distance of two short names, for "did you mean" hints.
local function distance(a, b)
  if math.abs(#a - #b) > 3 then return 99 end
  local previous = {}
  for j = 0, #b do previous[j] = j end
  for i = 1, #a do
    local current = { [0] = i }
    for j = 1, #b do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      current[j] = math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
    end
    previous = current
  end
  return previous[#b]
end

-- Raised without a position: the host's wrapper adds the script's file and line.
local function fail(kind, spec, message)
  local name = type(spec) == "table" and type(spec.name) == "string" and (" '" .. spec.name .. "'") or ""
  error(kind .. name .. ": " .. message, 0)
end

-- field kinds: "name", "string", "function", "delay", "strings", "escalation"
local checks = {}

function checks.name(value)
  if type(value) ~= "string" or not value:match("^[%w_%-]+$") or #value > 64 then
    return "must be a short name of letters, digits, '_' or '-', e.g. \"orders\""
  end
end

function checks.string(value)
  if type(value) ~= "string" then return "must be a string" end
end

checks["function"] = function(value)
  if type(value) ~= "function" then return "must be a function" end
end

-- What a delay's text or number means, and how long one may be, is the host's to say
-- (one parser for every delay in Parley: Sources/ParleyPolicy/Delay.swift). Asking it here
-- lets the message name the script's line.
function checks.delay(value)
  local problem
  local finite = type(value) == "number" and value == value and value > -math.huge and value < math.huge
  if type(value) == "string" or finite then
    problem = delay.problem(value)
  else
    problem = delay.problem(nil, type(value) == "number" and tostring(value) or describe(value))
  end
  if problem then return problem, true end
end

function checks.times(value)
  if type(value) == "string" then return end
  if type(value) ~= "table" then return "must be a time of day such as \"08:00\", or a list of them: { \"08:00\", \"17:30\" }" end
  for i, item in ipairs(value) do
    if type(item) ~= "string" then return "item " .. i .. " must be a time of day such as \"08:00\"" end
  end
end

function checks.strings(value)
  if type(value) ~= "table" then return "must be a list of names, e.g. { \"order_id\" }" end
  for i, item in ipairs(value) do
    if type(item) ~= "string" then return "item " .. i .. " must be a string" end
  end
end

function checks.escalation(value)
  if type(value) ~= "table" then
    return "must be a table: escalation = { queue = \"support\", contact = \"Call +1 415 555 0100\" }"
  end
  for key in pairs(value) do
    if key ~= "queue" and key ~= "contact" then
      return "has an unknown field '" .. tostring(key) .. "'; it takes queue and contact"
    end
  end
  local queue, contact = value.queue, value.contact
  if queue ~= nil and (type(queue) ~= "string" or queue == "") then return "queue must be the name of an agent queue" end
  if contact ~= nil and (type(contact) ~= "string" or contact == "") then
    return "contact must be text that tells the customer how to reach a person (a phone number, e-mail or form)"
  end
  if queue == nil and contact == nil then
    return "needs a queue (in-chat transfer to agents) or a contact route (phone, e-mail or form), or both"
  end
end

-- `finish`, when given, checks what no single field can: fields that go together.
local function constructor(kind, fields, required, hint, finish)
  return function(spec)
    if type(spec) ~= "table" then
      fail(kind, nil, "expects a table of fields, e.g. " .. kind .. " { name = \"...\", ... }; got " .. describe(spec))
    end
    for key in pairs(spec) do
      if type(key) ~= "string" or fields[key] == nil then
        local best, best_distance = nil, 3
        for known in pairs(fields) do
          local d = type(key) == "string" and distance(key, known) or 99
          if d < best_distance then best, best_distance = known, d end
        end
        local known = {}
        for name in pairs(fields) do known[#known + 1] = name end
        table.sort(known)
        fail(kind, spec, "unknown field '" .. tostring(key) .. "'" ..
          (best and ("; did you mean '" .. best .. "'?") or "") ..
          " (" .. kind .. " takes " .. table.concat(known, ", ") .. ")")
      end
    end
    for _, key in ipairs(required) do
      if spec[key] == nil then
        fail(kind, spec, "field '" .. key .. "' is missing; " .. hint[key])
      end
    end
    local made = { kind = kind }
    for key, check in pairs(fields) do
      local value = spec[key]
      if value ~= nil then
        local problem, names_value = checks[check](value)
        if names_value then
          fail(kind, spec, "field '" .. key .. "': " .. problem)
        elseif problem then
          fail(kind, spec, "field '" .. key .. "' " .. problem .. " (got " .. describe(value) .. ")")
        end
        made[key] = value
      end
    end
    if finish then
      local problem = finish(spec)
      if problem then fail(kind, spec, problem) end
    end
    return made
  end
end

M.bot = constructor("bot", {
  name = "name", description = "string", escalation = "escalation", window_closing = "delay",
  on_message = "function", on_timer = "function", on_window_closing = "function",
  on_return = "function", on_delivery_failed = "function", on_handoff = "function",
}, { "name", "escalation", "on_message" }, {
  name = "give the bot a name, e.g. name = \"orders\"",
  escalation = "every bot needs a path to a human: add escalation = { queue = \"support\" } " ..
    "or escalation = { contact = \"Call +1 415 555 0100\" }",
  on_message = "add on_message = function(conv, msg) ... end",
})

M.router = constructor("router", {
  name = "name", description = "string", route = "function",
}, { "name", "route" }, {
  name = "give the router a name, e.g. name = \"main\"",
  route = "add route = function(conv, msg) return \"bot:orders\" end",
})

M.macro = constructor("macro", {
  name = "name", description = "string", params = "strings", run = "function",
}, { "name", "run" }, {
  name = "give the macro a name, e.g. name = \"shipping_update\"",
  run = "add run = function(conv, args) ... end",
})

M.automation = constructor("automation", {
  name = "name", description = "string", every = "delay", at = "times", days = "string", tz = "string", run = "function",
  on_account = "function",
}, { "name" }, {
  name = "give the automation a name, e.g. name = \"nudge\"",
}, function(spec)
  if spec.run == nil then
    if spec.on_account ~= nil and spec.every == nil and spec.at == nil then return nil end
    return "field 'run' is missing; add run = function() ... end" ..
      (spec.on_account ~= nil and " (or drop every and at: an automation with only on_account runs when the account changes)" or "")
  end
  if spec.every == nil and spec.at == nil then
    return "say when it runs: every = \"1h\", or at = \"08:00\" (with days = \"Mon-Fri\" and tz = \"America/New_York\")"
  end
  if spec.every ~= nil and spec.at ~= nil then
    return "has both every and at; give one: every = \"1h\", or at = \"08:00\" (with days and tz)"
  end
  if spec.every ~= nil and (spec.days ~= nil or spec.tz ~= nil) then
    return "days and tz go with at = \"08:00\", not with every"
  end
  if spec.at ~= nil then return schedule.problem(spec.at, spec.days, spec.tz) end
end)

return M
