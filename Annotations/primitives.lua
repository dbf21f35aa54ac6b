---@meta
-- Parley's primitives, for lua-language-server: what scripts call. Kept in step with the
-- host by a test (Tests/ParleyDistributionTests/AnnotationTests.swift). Reference:
-- docs/scripts.md.

---A conversation, or a contact in any common phone format (`"+1 (415) 555-0100"`,
---`"14155550100"`), or a business-scoped user id (`"US.13491208655302741918"`).
---@alias parley.Recipient Conv|string

---A message: its text, or a table: `{text=}`, `{template=, language=, params=}`,
---`{image={link=, caption=}}` (also document, video, audio, sticker),
---`{text=, buttons={{id=, title=}, ...}}`, `{text=, list={button=, sections=}}`.
---@alias parley.Message string|parley.MessageTable

---@class parley.MessageTable
---@field text? string
---@field template? string|parley.PickedTemplate a template's name, or what `pick_template` returned
---@field language? string a template's language (`"en_US"`); default: the conversation's
---@field params? (string|number)[]|table<string, string|number> a template's body values, positional or named
---@field header? table a template's media or location header: `{ image = { link = } }`, `{ id = }`, `{ location = {...} }`
---@field header_params? (string|number)[] a template's text header values
---@field buttons? table[] reply buttons `{id=, title=}`; for a template, one entry per button: `{url=}`, `{payload=}`, `{code=}` or `false`
---@field code? string an authentication template's password: fills its body and copy-code button
---@field list? { button: string, sections: table[] } a list message
---@field footer? string
---@field image? parley.Media
---@field document? parley.Media
---@field video? parley.Media
---@field audio? parley.Media
---@field sticker? parley.Media

---@class parley.Media
---@field link? string
---@field id? string
---@field caption? string
---@field filename? string

---What `send` answers: a refusal is a result, never an error.
---@class parley.SendResult
---@field ok boolean
---@field id string the message's id (`"out-3"`), also for a refusal
---@field kind? "session"|"template" when accepted
---@field queued? boolean accepted, and waiting in the outbox for its pacing slot
---@field reason? string why it was refused (`"outside_window"`, `"template_param_mismatch"`...)
---@field code? integer the error code the platform would have answered (`131047`)
---@field detail? string the refusal in words, with its figures

---A template `send` would accept now.
---@class parley.PickedTemplate
---@field name string
---@field language string
---@field category "MARKETING"|"UTILITY"|"AUTHENTICATION"
---@field params integer how many body values it takes
---@field quality string
---@field needs table what else `send` must give it: `{header = "image", buttons = {...}, code = true}`
---@field pricing_type? string with `to`: how the platform would price it
---@field cost? number with `to` and a price table
---@field currency? string

---@class parley.TemplateQuery
---@field name? string
---@field category? "MARKETING"|"UTILITY"|"AUTHENTICATION"
---@field language? string default: the conversation's
---@field params? integer|(string|number)[] how many body values, or the values themselves
---@field to? parley.Recipient

---@class parley.Escalation
---@field queue? string a declared queue (parley.toml); default: the bot's own
---@field reason? string e.g. `"menu"`; cut at 256 bytes
---@field note? string what the agent reads first; cut at 4 KiB

---@class parley.HandOffOptions
---@field note? string
---@field data? any JSON values only: the other bot's `on_handoff` gets it

---A conversation as `conversations{...}` gives it.
---@class parley.ConversationSummary
---@field contact string
---@field number string
---@field owner string
---@field state table
---@field language? string

---@class parley.ConversationFilter
---@field owner? string `"bot:orders"`, `"human:support"`, `"nobody"`
---@field in_window? boolean
---@field closing_within? string|number only windows that close within this delay (`"2h"`)

---Sends a message, if the core allows it now. A refusal is a result with a reason, never an error.
---@param to parley.Recipient
---@param message parley.Message
---@return parley.SendResult
function send(to, message) end

---Whether the customer service window with `to` is open.
---@param to parley.Recipient
---@return boolean open
---@return integer seconds_left
---@return integer free_entry_seconds_left the contact's free entry point window, 0 when none is open
function in_window(to) end

---A template `send` would accept now, or nil with the reason.
---@param query? parley.TemplateQuery
---@return parley.PickedTemplate|nil template
---@return string? reason
---@return string? detail
function pick_template(query) end

---Hands the conversation to a person; the hand-off always happens.
---@param conv parley.Recipient
---@param options? parley.Escalation
---@return { ok: true, queue: string, handoff_id: string }
function escalate_to_human(conv, options) end

---Gives the conversation to another bot when this call returns; it hears `on_handoff(conv, {from=, note=, data=, msg=})`.
---@param conv parley.Recipient
---@param to string `"bot:<name>"`
---@param options? parley.HandOffOptions
---@return { ok: true, owner: string }
function hand_off(conv, to, options) end

---Calls the bot's `on_timer(conv, name, data)` after `delay` (`"23h"`, `"90m"`, `"30s"` or seconds; 1 s to 3650 d).
---@param conv parley.Recipient
---@param delay string|number
---@param name string
---@param data? any JSON values only
function schedule(conv, delay, name, data) end

---The injected clock, in seconds since the epoch: simulated time in simulations and specs.
---@return number
function now() end

---A line on the log (standard error in `parley simulate`); values joined by tabs.
---@param ... any
function log(...) end

---Conversations as plain tables, for automations.
---@param filter? parley.ConversationFilter
---@return parley.ConversationSummary[]
function conversations(filter) end

---Blue ticks, and "typing..." for up to 25 s or until the reply; not a message, never refused.
---@param msg Msg|string the message (as `on_message` got it) or its id
---@param options? { typing?: boolean }
function mark_read(msg, options) end
