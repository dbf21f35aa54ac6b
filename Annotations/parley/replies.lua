---@meta parley.replies
-- `local replies = require "parley.replies"`: building blocks for common replies.

local replies = {}

---Reply buttons (at most 3) from titles, or `{id=, title=}` tables; ids default to the title lower-cased with `_` for spaces.
---@param text string
---@param options (string|{ id: string, title: string })[]
---@param footer? string
---@return parley.MessageTable
function replies.menu(text, options, footer) end

---A list message with one section.
---@param text string
---@param button string
---@param rows (string|{ id: string, title: string, description?: string })[]
---@param title? string
---@return parley.MessageTable
function replies.list(text, button, rows, title) end

return replies
