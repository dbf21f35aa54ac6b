-- Refills: a prescription number starts one and ends the session; a delivery question goes
-- to the delivery bot with the prescription; anything medical goes to a pharmacist.
local medical_words = { "pain", "side effect", "allerg", "dose", "pregnan" }

return bot {
  name = "refill",
  escalation = { queue = "pharmacists", contact = "Call the pharmacy at +1 212 555 0100." },
  on_message = function(conv, msg)
    local said = text.fold(msg.text or "")
    for _, word in ipairs(medical_words) do
      if text.contains(said, word) then
        return escalate_to_human(conv, { reason = "medical", note = msg.text })
      end
    end
    if text.contains(said, "pharmacist") then
      return escalate_to_human(conv, { reason = "asked", note = msg.text })
    end
    if text.contains(said, "deliver") then
      return hand_off(conv, "bot:delivery", { note = "asked about a delivery", data = { rx = conv.state.last_rx } })
    end
    local rx = (msg.text or ""):match("(%d%d%d%d%d%d)")
    if not rx then
      conv:not_understood()
      return send(conv, "Send your 6-digit prescription number and I'll request the refill.")
    end
    conv.state.last_rx = rx   -- the contact's memory: it outlives the session
    send(conv, "Refill requested for prescription " .. rx .. ". We'll text you when it's ready.")
    conv:done("refill " .. rx .. " requested")
  end,
}
