-- The router: billing questions go straight to people; everything else to the order bot.
local billing_words = { "invoice", "billing", "refund", "charge" }

return router {
  name = "main",
  route = function(conv, msg)
    local said = text.fold(msg.text or "")
    for _, word in ipairs(billing_words) do
      if text.contains(said, word) then return "human:billing" end
    end
    return "bot:orders"
  end,
}
