-- The order-status bot: answers "where is my order?", follows up on deliveries, and
-- hands off to the orders team whenever the customer asks or the bot is lost.
local orders = require "lib.orders"
local replies = require "parley.replies"

local greetings = { hi = true, hello = true, hey = true, ola = true, oi = true, hola = true }

local function greeting(msg)
  local first = text.words(text.fold(msg.text or ""))[1]
  return first ~= nil and greetings[first] == true
end

local function tapped(msg)
  return (msg.reply and msg.reply.id) or (msg.button and msg.button.id)
end

local function show_menu(conv)
  send(conv, replies.menu("Hi! I'm the order assistant. What would you like to do?", {
    { id = "track", title = "Track an order" },
    { id = "person", title = "Talk to a person" },
  }))
end

local function answer_order(conv, number)
  local order = orders.find(number)
  if not order then
    conv:not_understood()
    send(conv, "I couldn't find order " .. number .. ". Please check the number on your receipt.")
    return
  end
  conv.state.last_order = number
  send(conv, orders.describe(order))
  if order.status == "out_for_delivery" then
    -- Ask the next day whether it arrived.
    schedule(conv, "1d", "delivery_check", { order = number })
  end
end

return bot {
  name = "orders",
  description = "Answers order-status questions and follows up on deliveries.",
  escalation = {
    queue = "orders-team",
    contact = "Call +1 415 555 0100 (Mon-Fri 9:00-17:00 UTC) or write to help@example.com.",
  },

  on_message = function(conv, msg)
    local choice = tapped(msg)
    if choice == "person" then
      escalate_to_human(conv, { reason = "menu", note = "asked from the menu" })
      return
    end
    if choice == "track" then
      send(conv, "Sure. What is your order number? It has 5 digits, like 10234.")
      return
    end
    local number = (msg.text or ""):match("(%d%d%d%d%d)")
    if number then
      answer_order(conv, number)
    elseif greeting(msg) then
      show_menu(conv)
    else
      conv:not_understood()
      send(conv, "Sorry, I didn't get that. Send your order number (like 10234), or write \"agent\" to talk to a person.")
    end
  end,

  on_timer = function(conv, name, data)
    if name ~= "delivery_check" then return end
    if in_window(conv) then
      send(conv, "Did order " .. data.order .. " arrive? Reply here if anything is wrong.")
      return
    end
    -- The window has closed: only an approved template may go out now.
    local template = pick_template { name = "order_update", to = conv }
    if template then
      send(conv, { template = template, params = { data.order, "delivered" } })
    end
  end,

  on_return = function(conv, note)
    local order = conv.state.last_order
    send(conv, "You're back with the order assistant." .. (order and (" Anything else about order " .. order .. "?") or ""))
  end,
}
