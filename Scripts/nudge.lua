-- An automation that runs every hour and nudges customers whose chat with the order bot
-- closes within the hour, while a free-form message can still reach them. Each window
-- ends inside exactly one of these hourly slots, so nobody is nudged twice.
return automation {
  name = "nudge",
  every = "1h",
  run = function()
    for _, conv in ipairs(conversations { owner = "bot:orders", closing_within = "1h" }) do
      send(conv, "Is there anything else I can help you with? This chat closes soon.")
    end
  end,
}
