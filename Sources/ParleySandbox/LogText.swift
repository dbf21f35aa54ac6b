import Foundation
import CLuaShim
import ParleyJSON

/// How `log` and `print` show their arguments: like `tostring`, tables as JSON when they
/// are data, invalid UTF-8 replaced. One call renders at most `maxBytes` in all, tabs
/// between the values included: a string is copied only as far as it fits, a table is
/// read under what is left, and a line that does not fit ends with a marker saying it was
/// cut. So `log(t)`, where `t` holds 1,000 references to one 1 MiB string, costs 64 KiB,
/// not a gigabyte of JSON.
enum LogText {
    static func render(_ L: OpaquePointer, from first: Int32, through last: Int32, maxBytes: Int) -> [String] {
        guard first <= last else { return [] }
        let marker = " …[cut: one log line shows at most \(TextBytes.size(maxBytes))]"
        var room = max(0, maxBytes - marker.utf8.count)  // the marker always fits after
        var texts: [String] = []
        for index in first...last {
            if !texts.isEmpty { room -= 1 }  // the tab before it
            switch piece(L, at: index, room: room) {
            case .whole(let text):
                texts.append(text)
                room -= text.utf8.count
            case .cut(let text):
                texts.append(text + marker)
                return texts
            }
        }
        return texts
    }

    private enum Piece {
        case whole(String)
        /// What fits of a value that does not; nothing after it is shown.
        case cut(String)
    }

    private static func piece(_ L: OpaquePointer, at index: Int32, room: Int) -> Piece {
        let text: String
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: text = "nil"
        case LUA_TBOOLEAN: text = lua_toboolean(L, index) != 0 ? "true" : "false"
        case LUA_TNUMBER:
            text = lua_isinteger(L, index) != 0 ? String(lua_tointegerx(L, index, nil)) : formatNumber(lua_tonumberx(L, index, nil))
        case LUA_TSTRING: return string(L, at: index, room: room)
        case LUA_TTABLE:
            var values = LuaValues(L)
            values.maxBytes = max(0, room)
            do {
                text = try values.readReporting(index, path: "value").encoded()
            } catch {
                if error.tooLarge { return .cut("") }  // its JSON would pass the room left: not read further
                text = "table"  // not data (a function inside, a cycle...): as tostring shows it, without the address
            }
        default: text = HostArgument.name(L, index)
        }
        return text.utf8.count <= room ? .whole(text) : .cut(TextBytes.prefix(text, bytes: max(0, room)))
    }

    /// As much of the string at `index` as fits in `room` bytes: only that much is copied,
    /// and invalid bytes are replaced (each by three bytes, so the text is cut again).
    private static func string(_ L: OpaquePointer, at index: Int32, room: Int) -> Piece {
        var count = 0
        guard let start = parley_tostring(L, index, &count) else { return .whole("") }
        let all = UnsafeRawBufferPointer(start: start, count: count)
        let text = TextBytes.lossyText(UnsafeRawBufferPointer(rebasing: all[..<TextBytes.boundary(all, atMost: max(0, room))]))
        guard text.utf8.count <= room else { return .cut(TextBytes.prefix(text, bytes: max(0, room))) }
        return count <= room ? .whole(text) : .cut(text)
    }

    /// A float as Lua prints it (`%.14g`).
    static func formatNumber(_ d: Double) -> String {
        if d.isNaN { return d.sign == .minus ? "-nan" : "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(format: "%.1f", d) }
        return String(format: "%.14g", d)
    }
}
