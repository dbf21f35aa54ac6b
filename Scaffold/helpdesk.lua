-- The help desk bot: answers what it knows, follows up the next day, and hands off to a
-- person whenever the customer asks (the word "agent" or the menu) or it is lost twice.
-- Change the answers, then run `parley test .` to see the specs still pass.
local replies = require "parley.replies"

local answers = {
  { words = { "hours", "open" }, reply = "We're open Monday to Friday, 9:00 to 17:00 New York time." },
  { words = { "where", "address" }, reply = "You'll find us at 100 Main Street, New York." },
}

local function answer_for(said)
  for _, answer in ipairs(answers) do
    for _, word in ipairs(answer.words) do
      if text.contains(said, word) then return answer.reply end
    end
  end
end

local function is_greeting(said)
  local first = text.words(said)[1]
  return first == "hi" or first == "hello" or first == "hey"
end

return bot {
  name = "helpdesk",
  description = "Answers common questions and hands off to the support team.",
  escalation = {                          -- required: every bot has a path to a person
    queue = "support",                    -- in-chat hand-off to this queue (parley.toml)
    contact = "Call +1 212 555 0100 (Mon-Fri 9:00-17:00) or write to help@example.com.",  -- when it is closed
  },

  on_message = function(conv, msg)
    local choice = msg.reply and msg.reply.id
    if choice == "team" then
      return escalate_to_human(conv, { reason = "menu", note = "asked from the menu" })
    end
    local said = text.fold(msg.text or "")
    if choice == "hours" then said = "hours" end
    local reply = answer_for(said)
    if reply then
      send(conv, reply)
      conv.state.last_question = msg.text or "our opening hours"
      schedule(conv, "1d", "follow_up")   -- on_timer, tomorrow
    elseif is_greeting(said) then
      send(conv, replies.menu("Hi! I'm the help desk assistant. What can I do for you?", {
        { id = "hours", title = "Opening hours" },
        { id = "team", title = "Ask our team" },
      }))
    else
      conv:not_understood()               -- two in a row and the core hands off to a person
      send(conv, "Sorry, I didn't get that. Ask about our opening hours, or write \"agent\" to talk to a person.")
    end
  end,

  on_timer = function(conv, name)
    if name ~= "follow_up" then return end
    if in_window(conv) then
      return send(conv, "Did that answer your question? Reply here if you need anything else.")
    end
    -- The 24-hour window has closed: only an approved template may go out now.
    local template = pick_template { name = "follow_up", to = conv }
    if template then
      send(conv, { template = template, params = { "your question" } })
    end
  end,

  on_return = function(conv, note)   -- an agent released the conversation back to the bot
    send(conv, "You're back with the help desk assistant. Anything else?")
  end,
}
