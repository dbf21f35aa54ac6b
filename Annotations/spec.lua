---@meta
-- The spec world, for `*_spec.lua` files that `parley test` runs (busted-style): blocks,
-- `world{...}` and its events, and the assertions. Reference: README "Testing your scripts".

---Declares a group of tests; groups nest, and name the tests they hold.
---@param name string
---@param body fun()
function describe(name, body) end

---Declares a test; each runs in its own fresh world.
---@param name string
---@param body fun()
function it(name, body) end

---Declares a test still to be written: reported as pending.
---@param name string
---@param body? fun()
function pending(name, body) end

---Runs before each test of the enclosing group (and of the groups inside it).
---@param body fun()
function before_each(body) end

---Runs after each test of the enclosing group, passed or not.
---@param body fun()
function after_each(body) end

---@class parley.WorldOptions
---@field scripts? string the scripts folder, relative to the spec (default: the spec's folder)
---@field templates? string default: templates.json in the scripts folder
---@field config? string default: parley.toml in the scripts folder
---@field tier? string the messaging limit tier (`"TIER_250"`)
---@field start? string the clock's start (default `"2026-01-01T00:00:00Z"`)

---A fresh simulation of your scripts folder, for one test; its clock moves only with `w:advance`.
---@param options? parley.WorldOptions
---@return World
function world(options) end

---A simulated world: drive it with a scenario's events, read what it wrote.
---@class World
local World = {}

---A message from `contact`: its text, or `{button=}`, `{reply=}`, `{media=}`, `{number=}`...
---@param contact string
---@param message string|table
---@return World
function World:inbound(contact, message) end

---Moves the clock, running everything that falls due on the way: `"25h"`, seconds, or `{to = "2026-01-06T09:00:00Z"}`.
---@param by string|number|{ to: string }
---@return World
function World:advance(by) end

---An agent runs a macro on a conversation.
---@param name string
---@param contact string
---@param args? table<string, string>
---@param agent? string
---@return World
function World:macro(name, contact, args, agent) end

---An agent replies: text, or a message table as `send` takes it.
---@param contact string
---@param message string|table
---@param agent? string
---@return World
function World:agent_reply(contact, message, agent) end

---An agent releases the conversation back to the bot it came from.
---@param contact string
---@param note? string
---@param agent? string
---@return World
function World:release(contact, note, agent) end

---An agent resolves the conversation: its session ends.
---@param contact string
---@param note? string
---@param agent? string
---@return World
function World:resolve(contact, note, agent) end

---@param name string
---@param language string
---@param status string `"APPROVED"`, `"PAUSED"`, `"DISABLED"`...
---@return World
function World:template_status(name, language, status) end

---@param name string
---@param language string
---@param quality string `"GREEN"`, `"YELLOW"`, `"RED"`
---@return World
function World:template_quality(name, language, quality) end

---The contact's consent to messages outside the window.
---@param contact string
---@return World
function World:opt_in(contact) end

---The contact asks to stop.
---@param contact string
---@return World
function World:opt_out(contact) end

---@param tier string `"TIER_250"`, `"TIER_2K"`...
---@return World
function World:limit(tier) end

---@param status string `"CONNECTED"`, `"FLAGGED"`, `"RESTRICTED"`...
---@return World
function World:number_status(status) end

---@param contact string
---@return World
function World:identity_changed(contact) end

---@param contact string
---@return World
function World:identity_ack(contact) end

---The person's conversation moves to their new number.
---@param contact string
---@param new_contact string
---@return World
function World:number_changed(contact, new_contact) end

---@param contact string
---@param new_contact string
---@return World
function World:user_id_changed(contact, new_contact) end

---A raw Cloud API webhook body, through the decoder a server uses.
---@param payload table
---@return World
function World:webhook(payload) end

---The platform's word on one of our messages: `w:status("out-3", "failed", 131049)`.
---@param id string
---@param status string `"sent"`, `"delivered"`, `"read"`, `"failed"`
---@param code? integer for `"failed"`
---@param title? string
---@param pricing? table `{billable=, category=, type=, pricing_model=}`
---@return World
function World:status(id, status, code, title, pricing) end

---The transcript records since the last `w:clear()`.
---@return table[]
function World:transcript() end

---Forgets what came so far: assertions look only at records after this.
---@return World
function World:clear() end

---What was sent since the last clear cost, by the estimates; nil without a price table.
---@return { currency: string, total: number, marketing: number, utility: number, authentication: number, service: number, priced: integer, free: integer }?
function World:cost() end

---`owner`, `state`, `language`, `in_window`, `seconds_left`... of a contact's conversation.
---@param contact string
---@return table
function World:conversation(contact) end

---The simulated time, in seconds.
---@return number
function World:now() end

---Fields a transcript record must have to match; `text` matches by containing, or as a pattern.
---@class parley.Expected
---@field to? string
---@field text? string
---@field template? string
---@field kind? string
---@field by? string
---@field reason? string
---@field code? integer
---@field queue? string
---@field bot? string
---@field [string] any

---`assert(value, message)`, and the assertions; a failure names the spec's line and shows the transcript.
---@class parley.Assert
---@overload fun(value: any, message?: string): any
assert = {}

---A sent record since the last clear matches; returns it.
---@param w World
---@param expected? parley.Expected
---@return table
function assert.sent(w, expected) end

---A blocked record since the last clear matches (`{reason=, code=}`); returns it.
---@param w World
---@param expected? parley.Expected
---@return table
function assert.blocked(w, expected) end

---An escalated record since the last clear matches (`{queue=, reason=, bot=}`); returns it.
---@param w World
---@param expected? parley.Expected
---@return table
function assert.escalated(w, expected) end

---A record of any kind (`session_ended`, `handed_off`, `opted_out`...) matches; returns it.
---@param w World
---@param kind string
---@param expected? parley.Expected
---@return table
function assert.record(w, kind, expected) end

---No sent record since the last clear matches.
---@param w World
---@param expected? parley.Expected
function assert.not_sent(w, expected) end

---Nothing was sent since the last clear.
---@param w World
function assert.nothing_sent(w) end

---The estimated cost of what was sent since the last clear is within the bounds; returns it.
---@param w World
---@param bounds { max?: number, min?: number, category?: string }
---@return number
function assert.cost(w, bounds) end

---@param expected any
---@param actual any
---@param message? string
function assert.equals(expected, actual, message) end

---Deep equality.
---@param expected any
---@param actual any
---@param message? string
function assert.same(expected, actual, message) end

---@param value any
---@param message? string
function assert.truthy(value, message) end

---@param value any
---@param message? string
function assert.falsy(value, message) end

---@param value any
---@param message? string
function assert.is_nil(value, message) end

---@param value any
---@param message? string
function assert.not_nil(value, message) end

---`fn` must raise; with `expected`, its message must contain it.
---@param fn fun()
---@param expected? string
function assert.has_error(fn, expected) end
