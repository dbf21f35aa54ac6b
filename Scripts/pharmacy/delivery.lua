-- Deliveries: takes over from the refill bot (or the router) and says when the driver comes.
return bot {
  name = "delivery",
  escalation = { queue = "delivery-desk" },
  on_handoff = function(conv, h)
    local rx = h.data and h.data.rx
    if rx then
      send(conv, "Delivery desk here: prescription " .. rx .. " goes out today between 2 and 6 pm.")
    else
      send(conv, "Delivery desk here: which prescription is the delivery for?")
    end
  end,
  on_message = function(conv, msg)
    local rx = (msg.text or ""):match("(%d%d%d%d%d%d)") or conv.state.last_rx
    if not rx then
      conv:not_understood()
      return send(conv, "Which prescription is the delivery for? Send its 6-digit number.")
    end
    send(conv, "Prescription " .. rx .. " goes out today between 2 and 6 pm.")
    conv:done("delivery " .. rx .. " scheduled")
  end,
}
