/// Trusted Lua that finishes each sandbox: `require`, confined to the module library,
/// and `print`, which goes to the log. Its helpers arrive as chunk arguments, so
/// scripts can never reach them.
enum Prelude {
    static let source = #"""
    local read_module, new_env, seal_env, log, locate, freeze, settle = ...
    local loaded, loading = {}, {}

    function require(name)
      if type(name) ~= "string" then
        error("require expects a module name such as \"lib.menus\", got " .. type(name), 2)
      end
      local module = loaded[name]
      if module ~= nil then return module end
      if loading[name] then error("require \"" .. name .. "\": modules require each other in a cycle", 2) end
      local source, chunkname = read_module(name)
      local env = new_env()
      local chunk, problem = load(source, "@" .. chunkname, "t", env)
      if not chunk then error(problem, 0) end
      loading[name] = true
      local ok, result = pcall(chunk, name)
      loading[name] = nil
      if not ok then error(result, 0) end
      seal_env(env)
      if result == nil then result = true end
      loaded[name] = settle(result)   -- a module is constant once loaded (in scripts' states)
      return result
    end

    print = log

    -- The constructors report errors at the script's line, even from `return bot {...}`.
    for kind, make in pairs(require "parley.script") do
      _G[kind] = locate(make)
    end

    for _, name in ipairs { "string", "table", "math", "utf8", "coroutine", "text", "os" } do
      _G[name] = freeze(_G[name], name)
    end
    """#
}
