-- Building blocks for common replies, so scripts stay short and within the platform's
-- shape limits.
--
--   local replies = require "parley.replies"
--   send(conv, replies.menu("How can we help?", { "Track order", "Talk to a person" }))

local M = {}

-- Reply buttons (at most 3) from a list of titles; ids are the titles lower-cased with
-- '_' for spaces, unless given as { id = ..., title = ... }.
function M.menu(text, options, footer)
  local buttons = {}
  for i, option in ipairs(options) do
    if type(option) == "table" then
      buttons[i] = { id = option.id, title = option.title }
    else
      buttons[i] = { id = option:lower():gsub("%s+", "_"), title = option }
    end
  end
  return { text = text, buttons = buttons, footer = footer }
end

-- A list message with one section.
function M.list(text, button, rows, title)
  local section = { title = title, rows = {} }
  for i, row in ipairs(rows) do
    if type(row) == "table" then
      section.rows[i] = { id = row.id, title = row.title, description = row.description }
    else
      section.rows[i] = { id = row:lower():gsub("%s+", "_"), title = row }
    end
  end
  return { text = text, list = { button = button, sections = { section } } }
end

return M
