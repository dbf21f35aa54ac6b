---@meta
-- `text.*`: Unicode-aware helpers, so scripts rarely need patterns; and `os`, whose time
-- is the injected clock (simulated in simulations and specs). Strings up to 1 MiB.

text = {}

---Without the white space at either end.
---@param s string
---@return string
function text.trim(s) end

---@param s string
---@return string
function text.lower(s) end

---@param s string
---@return string
function text.upper(s) end

---Lower case without accents, for comparing what people type (`"Olá"` -> `"ola"`).
---@param s string
---@return string
function text.fold(s) end

---The parts between each `separator` (default: runs of white space).
---@param s string
---@param separator? string
---@return string[]
function text.split(s, separator) end

---The words, without punctuation.
---@param s string
---@return string[]
function text.words(s) end

---@param s string
---@param needle string
---@param ignore_case? boolean
---@return boolean
function text.contains(s, needle, ignore_case) end

---@param s string
---@param prefix string
---@return boolean
function text.starts_with(s, prefix) end

---@param s string
---@param suffix string
---@return boolean
function text.ends_with(s, suffix) end

---In characters, not bytes.
---@param s string
---@return integer
function text.length(s) end

os = {}

---The injected clock's time in seconds, or the time `date` names.
---@param date? table
---@return integer
function os.time(date) end

---A date as text, or a table with `"*t"` / `"!*t"`.
---@param format? string
---@param time? number
---@return string|osdate
function os.date(format, time) end

---Seconds of processor time the call has used.
---@return number
function os.clock() end
