-- The world: world{...} makes a fresh simulation for a test, its methods drive it with
-- the events of a scenario, and read what it wrote.

local blocks = require "parley.spec.blocks"
local running = blocks.running

local host   -- the runner's functions (parley.spec binds them)

local World = {}
World.__index = World

--- world{ scripts = "Scripts", templates = "Scripts/templates.json", config = ...,
---        tier = "TIER_250", start = "2026-01-05T09:00:00Z" }
local function world(options)
  if not running() then
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

-- Events --------------------------------------------------------------------------

-- A message argument: a string is its text, a table its fields.
local function message(fields, what)
  if type(what) == "string" then
    fields.text = what
  elseif type(what) == "table" then
    for k, v in pairs(what) do fields[k] = v end
  end
end

-- Each event of a scenario (docs/scripts.md §15), as w:<event>(...): the names its
-- arguments take in the event's fields, in order, or a function that fills the fields
-- from the arguments when they take several shapes.
local events = {
  --- w:inbound(contact, "text" | { button = {payload=, text=} } | { reply = {id=, title=} } | { media = ... })
  inbound = function(fields, contact, what) fields.from = contact; message(fields, what) end,
  --- w:advance("25h"), w:advance(90) (seconds) or w:advance{ to = "2026-01-06T09:00:00Z" }
  advance = function(fields, by)
    if type(by) == "table" then
      fields.to = by.to
    else
      fields.by = type(by) == "number" and tostring(by) or by
    end
  end,
  macro = function(fields, name, contact, args) fields.name, fields.to, fields.args = name, contact, args or {} end,
  --- w:agent_reply(contact, "text") or w:agent_reply(contact, { template = ..., params = {...} })
  agent_reply = function(fields, contact, what) fields.to = contact; message(fields, what) end,
  release = { "to", "note" },
  template_status = { "name", "language", "status" },
  template_quality = { "name", "language", "quality" },
  opt_in = { "contact" },
  opt_out = { "contact" },
  limit = { "tier" },
  number_status = { "status" },
  identity_changed = { "contact" },
  identity_ack = { "contact" },
  --- w:webhook(payload): a Cloud API webhook body, as a table.
  webhook = { "body" },
}

for name, fill in pairs(events) do
  World[name] = function(self, ...)
    local fields = { type = name }
    if type(fill) == "function" then
      fill(fields, ...)
    else
      for i, key in ipairs(fill) do fields[key] = select(i, ...) end
    end
    ask(host.event, self.id, fields)
    return self
  end
end

-- Reading -------------------------------------------------------------------------

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

return {
  world = world,
  is_world = function(w) return getmetatable(w) == World end,
  bind = function(runner) host = runner end,
}
