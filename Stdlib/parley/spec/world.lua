-- The world: world{...} makes a fresh simulation for a test, its methods drive it with
-- the events of a scenario, and read what it wrote.

local blocks = require "parley.spec.blocks"
local running = blocks.running

local host   -- the runner's functions (parley.spec binds them)

local World = {}
World.__index = World

-- Calls a host function. Its error is raised without a position, the host's own taken
-- off: every caller runs under locate, which names the spec's line.
local function ask(fn, ...)
  local results = table.pack(pcall(fn, ...))
  if not results[1] then error((tostring(results[2]):gsub("^[^\n:]+:%d+: ", "")), 0) end
  return table.unpack(results, 2, results.n)
end

--- world{ scripts = "Scripts", templates = "Scripts/templates.json", config = ...,
---        tier = "TIER_250", start = "2026-01-05T09:00:00Z" }
local function world(options)
  if not running() then
    error("world{...} belongs inside it or before_each: each test gets a fresh world", 2)
  end
  if options ~= nil and type(options) ~= "table" then error("world{...} takes a table of options", 2) end
  local id = ask(host.new, options or {})
  return setmetatable({ id = id, cursor = 0 }, World)
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
  --- w:macro(name, contact, args, agent)
  macro = function(fields, name, contact, args, agent) fields.name, fields.to, fields.args, fields.agent = name, contact, args or {}, agent end,
  --- w:agent_reply(contact, "text", agent) or w:agent_reply(contact, { template = ..., params = {...} }, agent)
  agent_reply = function(fields, contact, what, agent) fields.to = contact; message(fields, what); fields.agent = agent end,
  release = { "to", "note", "agent" },
  resolve = { "to", "note", "agent" },
  template_status = { "name", "language", "status" },
  template_quality = { "name", "language", "quality" },
  opt_in = { "contact" },
  opt_out = { "contact" },
  limit = { "tier" },
  number_status = { "status" },
  identity_changed = { "contact" },
  identity_ack = { "contact" },
  number_changed = { "contact", "new_contact" },
  user_id_changed = { "contact", "new_contact" },
  --- w:webhook(payload): a Cloud API webhook body, as a table.
  webhook = { "body" },
  --- w:status(id, "failed", 131049): the platform's word on the message `id` ("out-3");
  --- w:status(id, "delivered", nil, nil, { category = "marketing", type = "regular" }) with its pricing.
  status = { "id", "status", "code", "title", "pricing" },
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
local function transcript(w)
  return ask(host.records, w.id, w.cursor)
end
World.transcript = transcript

--- Forgets what was asserted: assertions look only at records after this.
function World:clear()
  self.cursor = self.cursor + #transcript(self)
  return self
end

--- What the sent records since the last w:clear() cost, by their estimates:
--- { currency =, total =, marketing =, utility =, authentication =, service =, priced =, free = };
--- nil when the world has no price table.
function World:cost()
  return ask(host.cost, self.id, self.cursor)
end

--- { owner =, state =, language =, in_window =, seconds_left = } for a contact.
function World:conversation(contact)
  return ask(host.info, self.id, contact)
end

--- The simulated time, in seconds.
function World:now()
  return ask(host.now, self.id)
end

-- Binds the module to the runner. Each method is wrapped by locate, so a mistake names
-- the spec's line; the assertions read through transcript(), unwrapped, as they run
-- under locate themselves.
local function bind(runner, locate)
  host = runner
  for name, method in pairs(World) do
    if type(method) == "function" then World[name] = locate(method) end
  end
end

return {
  world = world,
  transcript = transcript,
  is_world = function(w) return getmetatable(w) == World end,
  bind = bind,
}
