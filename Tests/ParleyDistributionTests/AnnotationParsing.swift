import Foundation
import ParleyDistribution

/// What the `---@meta` files declare: global functions and tables (`function send(`,
/// `text = {}`), and the functions of each table or class (`function text.trim(`,
/// `function Conv:done(`), read line by line as lua-language-server reads them.
struct Annotated {
    var globals: Set<String> = []
    var members: [String: Set<String>] = [:]

    init(_ files: [EmbeddedFile]) {
        let function = /^function ([A-Za-z_][A-Za-z0-9_]*)(?:[.:]([A-Za-z_][A-Za-z0-9_]*))?\(/
        let table = /^([A-Za-z_][A-Za-z0-9_]*) = \{\}/
        for file in files {
            for line in String(decoding: file.contents, as: UTF8.self).split(separator: "\n") {
                if let match = line.firstMatch(of: function) {
                    if let member = match.2 {
                        members[String(match.1), default: []].insert(String(member))
                    } else {
                        globals.insert(String(match.1))
                    }
                } else if let match = line.firstMatch(of: table) {
                    globals.insert(String(match.1))
                }
            }
        }
    }
}

/// Lua 5.4's own globals: lua-language-server knows them without annotations.
let luaStandardGlobals: Set<String> = [
    "_G", "_VERSION", "assert", "collectgarbage", "dofile", "error", "getmetatable", "ipairs", "load", "loadfile", "next",
    "pairs", "pcall", "print", "rawequal", "rawget", "rawlen", "rawset", "require", "select", "setmetatable", "tonumber",
    "tostring", "type", "warn", "xpcall", "coroutine", "debug", "io", "math", "os", "package", "string", "table", "utf8",
]

/// The spec globals `parley.spec` installs (`globals.describe = ...`), read from its source:
/// a spec's sandbox is made inside the runner, out of a test's reach.
func specLibraryGlobals() -> Set<String> {
    let source = EmbeddedFiles.stdlibFiles.first { $0.path == "parley/spec.lua" }.map { String(decoding: $0.contents, as: UTF8.self) } ?? ""
    return Set(source.matches(of: /globals\.([A-Za-z_][A-Za-z0-9_]*) =/).map { String($0.1) })
}
