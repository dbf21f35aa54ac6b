---@meta
-- The script constructors and what handlers receive: `conv` and `msg`. A script file
-- returns one table made by `bot`, `router`, `macro` or `automation`. Reference:
-- docs/scripts.md, README "Writing scripts".

---The conversation a handler was called for; it dies with the call.
---@class Conv
---@field contact string the contact, in E.164 (`"+14155550101"`) or a user id
---@field number string the business number it is on: `"main"`, or a `[numbers.<name>]`
---@field owner string `"bot:<name>"`, `"human:<queue>"` or `"nobody"`
---@field language? string the contact's language (`"en_US"`); writable
---@field state table the contact's memory, kept by the runtime across sessions (JSON values only)
---@field session table this session's own table, empty when the next session begins
local Conv = {}

---Counts a message the bot did not understand; two in a row in a session and the core hands off.
function Conv:not_understood() end

---The owning bot's work is finished: the session ends, and the next message is routed afresh.
---@param note? string
function Conv:done(note) end

---What the contact sent.
---@class Msg
---@field id? string the platform's message id
---@field type string `"text"`, `"button"`, `"reply"`, `"image"`, `"document"`...
---@field text? string the text, a button's or reply's title, or a media caption
---@field button? { id: string, title: string } a template's quick-reply button
---@field reply? { id: string, title: string } an interactive reply (a button or list row)
---@field media? { kind: string, id?: string, caption?: string }
---@field referral? table the ad or page button the contact wrote from (`source_type`, `source_id`...)

---What another bot, a macro or the router handed over with the conversation.
---@class parley.Handoff
---@field from string `"bot:refill"`, `"router:main"`...
---@field note? string
---@field data? any
---@field msg? Msg the message being answered, if any

---@class parley.Bot
---@field name string letters, digits, `_` or `-`
---@field description? string
---@field escalation { queue?: string, contact?: string } required: a queue (in-chat hand-off), a contact route (phone, e-mail, form), or both
---@field window_closing? string|number when `on_window_closing` fires before the window ends (default `"1h"`)
---@field on_message fun(conv: Conv, msg: Msg)
---@field on_timer? fun(conv: Conv, name: string, data: any)
---@field on_window_closing? fun(conv: Conv, seconds_left: integer)
---@field on_return? fun(conv: Conv, note: string?)
---@field on_handoff? fun(conv: Conv, h: parley.Handoff)
---@field on_delivery_failed? fun(conv: Conv, id: string, reason: string?, code: integer?)

---@class parley.Router
---@field name string
---@field description? string
---@field route fun(conv: Conv, msg: Msg): string?, any? returns `"bot:<name>"` (and data for its `on_handoff`), `"human:<queue>"` or nil

---@class parley.Macro
---@field name string
---@field description? string
---@field params? string[] the arguments an agent gives, by name
---@field run fun(conv: Conv, args: table<string, string>)

---An account event: `{type = "tier", tier =, previous =}`, a number status or restriction
---change, or `{type = "budget", budget =, spent =, limit =, ...}`.
---@class parley.AccountEvent
---@field type string
---@field [string] any

---@class parley.Automation
---@field name string
---@field description? string
---@field every? string|number runs every this long (`"1h"`)
---@field at? string|string[] or at these local times (`"08:00"`)
---@field days? string with `at`: `"Mon-Fri"`
---@field tz? string with `at`: an IANA time zone (`"America/New_York"`)
---@field run? fun()
---@field on_account? fun(event: parley.AccountEvent)

---A bot: answers the conversations it owns. Muted while a person owns one.
---@param spec parley.Bot
---@return table
function bot(spec) end

---The router: picks the owner at the start of each session.
---@param spec parley.Router
---@return table
function router(spec) end

---A macro: run by an agent on a conversation, sending on the agent's behalf.
---@param spec parley.Macro
---@return table
function macro(spec) end

---An automation: runs on a schedule, or when the account changes.
---@param spec parley.Automation
---@return table
function automation(spec) end
