-- The router: decides who owns each new session. Billing questions go straight to people;
-- everything else to the help desk bot.
local billing_words = { "invoice", "billing", "refund", "charge" }

return router {
  name = "main",
  route = function(conv, msg)
    local said = text.fold(msg.text or "")
    for _, word in ipairs(billing_words) do
      if text.contains(said, word) then return "human:billing" end
    end
    return "bot:helpdesk"
  end,
}
