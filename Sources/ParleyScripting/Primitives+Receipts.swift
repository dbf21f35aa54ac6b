import ParleyJSON
import ParleySandbox

extension Primitives {
    /// `mark_read(msg, {typing = true})`: the contact sees their message read (blue ticks)
    /// and, with `typing`, the typing indicator, which the platform shows for up to 25 s or
    /// until the reply. Not a message: no policy rule applies, and nothing is refused.
    var markRead: HostFunction {
        HostFunction("mark_read", [.init("msg", .value, maxBytes: 4096), .init("options", .table, optional: true, maxBytes: 256)],
                     returns: "nothing") { [self] args throws(HostError) in
            let script = try script("mark_read")
            let id: String?
            switch args[0] {
            case .string(let text): id = text
            case .object(let fields): id = fields["id"]?.stringValue
            default: throw HostError("mark_read: give the message (msg, as on_message has it) or its id, not \(args[0].kindName)")
            }
            let options = args[1].objectValue ?? [:]
            if let unknown = options.keys.sorted().first(where: { $0 != "typing" }) {
                throw HostError("mark_read: unknown option \(TextBytes.preview(unknown)) (known: typing)")
            }
            if let typing = options["typing"], typing.boolValue == nil {
                throw HostError("mark_read: typing must be true or false")
            }
            try runtime().markRead(id, typing: options["typing"]?.boolValue ?? false, by: script)
            return []
        }
    }
}
