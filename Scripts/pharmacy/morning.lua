-- At 08:00 New York time on weekdays, daylight saving or not: a note to everyone who wrote
-- in the last day and whose conversation nobody holds now.
return automation {
  name = "morning",
  at = "08:00",
  days = "Mon-Fri",
  tz = "America/New_York",
  run = function()
    for _, conv in ipairs(conversations { in_window = true, owner = "nobody" }) do
      send(conv, "Good morning from the pharmacy: refills requested yesterday are ready for pickup from 9 am.")
    end
  end,
}
