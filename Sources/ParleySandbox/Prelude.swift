/// Trusted Lua that finishes each sandbox: `require`, confined to the module library,
/// and `print`, which goes to the log. Its helpers arrive in a table, its one chunk
/// argument, so scripts can never reach them.
///
/// Modules a script's file requires while it loads are loaded once, and settle (become
/// constant) as they do. A module first required inside a handler is loaded for that call
/// only: its top level runs inside the call, where it could take that conversation's data
/// (a coroutine can hand it some), so it must not outlive the call.
enum Prelude {
    static let source = #"""
    local host = ...
    local loaded, loading = {}, {}

    function require(name)
      if type(name) ~= "string" then
        error("require expects a module name such as \"lib.menus\", got " .. type(name), 2)
      end
      local module = loaded[name]
      if module ~= nil then return module end
      local this_call = host.this_call_modules()   -- nil while files load
      if this_call and this_call[name] ~= nil then return this_call[name] end
      if loading[name] then error("require \"" .. name .. "\": modules require each other in a cycle", 2) end
      local source, chunkname = host.read_module(name)
      local env = host.new_env()
      local chunk, problem = load(source, "@" .. chunkname, "t", env)
      if not chunk then error(problem, 0) end
      loading[name] = true
      local ok, result = pcall(chunk, name)
      loading[name] = nil
      if not ok then error(result, 0) end
      host.seal_env(env)
      if result == nil then result = true end
      if this_call then
        this_call[name] = result
      else
        loaded[name] = host.settle(result)   -- constant once loaded (in scripts' states)
      end
      return result
    end

    print = host.log

    -- The one delay parser and the one local-schedule parser, for the constructors (and any
    -- script: they only read).
    local delay = { problem = host.delay_problem }
    host.make_read_only(delay)
    loaded["parley.delay"] = delay
    local schedule = { problem = host.schedule_problem }
    host.make_read_only(schedule)
    loaded["parley.schedule"] = schedule

    -- The constructors report errors at the script's line, even from `return bot {...}`.
    local constructors = require "parley.script"
    for kind, make in pairs(constructors) do
      _G[kind] = host.locate(make)
    end
    host.make_read_only(constructors)   -- scripts reach it through require: no one writes to it

    for _, name in ipairs { "string", "table", "math", "utf8", "coroutine", "text", "os" } do
      _G[name] = host.library_view(_G[name], name)
    end
    """#
}
