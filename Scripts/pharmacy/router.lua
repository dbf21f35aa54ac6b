-- The front desk: at the start of each session, delivery questions go to the delivery bot,
-- everything else to the refill bot.
return router {
  name = "front-desk",
  route = function(conv, msg)
    local said = text.fold(msg.text or "")
    if text.contains(said, "deliver") or text.contains(said, "driver") then return "bot:delivery" end
    return "bot:refill"
  end,
}
