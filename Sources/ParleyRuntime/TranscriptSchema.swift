import ParleyJSON
import ParleyPolicy

/// The shape of every kind of transcript record: its fields, in the order a line writes
/// them, and the JSON type of each (docs/scripts.md §16).
///
/// This is the one place the shapes are written down. The builders in Transcript.swift
/// write records of these shapes, and a test holds every record the runtime writes to
/// them; `parley test` hands the schema to the spec library, which refuses an assertion
/// on a field a record does not have, or with a value of another type.
public enum TranscriptSchema {
    /// A JSON type, named as `JSONValue.kindName` names it.
    public enum ValueType: String, Sendable {
        case string, number, boolean, array, object
    }

    public struct Field: Sendable, Equatable {
        public let name: String
        public let type: ValueType
    }

    /// The fields every record begins with.
    public static let common = fields(["at": .string, "type": .string])

    /// Each kind's own fields, after `at` and `type`. A field whose value is absent is
    /// left out of the record.
    public static let kinds: [String: [Field]] = [
        "inbound": fields(["from": .string, "msg_type": .string, "text": .string, "payload": .string, "reply_id": .string,
                           "referral": .object, "owner": .string, "id": .string]),
        "session_started": fields(["to": .string, "session": .number]),
        "session_ended": fields(["to": .string, "session": .number, "reason": .string, "by": .string, "note": .string, "idle_since": .string]),
        "routed": fields(["to": .string, "owner": .string, "by": .string]),
        "handed_off": fields(["to": .string, "from": .string, "owner": .string, "note": .string]),
        // One of buttons, list or a media kind follows the text, for messages that carry one;
        // a template may carry its buttons' values and a media or location header.
        "sent": fields(["to": .string, "kind": .string, "by": .string, "template": .string, "language": .string,
                        "category": .string, "text": .string, "buttons": .array, "list": .object])
            + Media.Kind.allCases.map { Field(name: $0.rawValue, type: .object) }
            + fields(["location": .object, "id": .string, "pricing_type": .string, "cost": .string, "currency": .string]),
        "blocked": fields(["to": .string, "reason": .string, "code": .number, "by": .string, "stage": .string,
                           "kind": .string, "template": .string, "detail": .string, "id": .string]),
        "escalated": fields(["to": .string, "queue": .string, "reason": .string, "route": .string, "bot": .string]),
        "claimed": fields(["to": .string, "agent": .string, "queue": .string, "implicitly": .string]),
        "released": fields(["to": .string, "owner": .string, "agent": .string]),
        "opted_out": fields(["contact": .string, "scope": .string]),
        "resumed": fields(["contact": .string, "scope": .string]),
        "opted_in": fields(["contact": .string]),
        "identity_changed": fields(["contact": .string]),
        "identity_ack": fields(["contact": .string]),
        "rekeyed": fields(["contact": .string, "new_contact": .string, "kept_under": .string, "because": .string]),
        "template_status": fields(["template": .string, "language": .string, "status": .string, "until": .string]),
        "template_quality": fields(["template": .string, "language": .string, "quality": .string]),
        "template_category": fields(["template": .string, "language": .string, "category": .string]),
        "limit": fields(["tier": .string]),
        "number_status": fields(["status": .string]),
        "account_restriction": fields(["business_initiated": .string, "until": .string]),
        "status": fields(["id": .string, "status": .string, "to": .string, "code": .number, "error": .string, "pricing": .object,
                          "estimated": .object, "pricing_mismatch": .string]),
        "delivery_failed": fields(["id": .string, "to": .string, "by": .string, "reason": .string, "code": .number,
                                   "detail": .string]),
        "read": fields(["to": .string, "id": .string, "typing": .boolean, "by": .string]),
        "held": fields(["contact": .string, "reason": .string, "code": .number, "until": .string]),
        "budget_warning": fields(["budget": .string, "script": .string, "period": .string, "spent": .string, "limit": .string,
                                  "currency": .string]),
        "script_error": fields(["script": .string, "file": .string, "error": .string]),
        "macro_run": fields(["to": .string, "macro": .string, "agent": .string]),
        "macro_refused": fields(["to": .string, "macro": .string, "missing": .array, "agent": .string]),
    ]

    /// What is wrong with `record` against the schema of its kind, or `nil` when nothing
    /// is: a kind the schema does not declare, a field its kind does not have, a value of
    /// another type, or a field out of order.
    public static func problem(with record: TranscriptRecord) -> String? {
        guard let declared = kinds[record.type] else { return "no kind of record is called '\(record.type)'" }
        var next = declared.startIndex
        for (key, value) in record.fields.members {
            guard let index = declared.firstIndex(where: { $0.name == key }) else {
                return "\(record.type) records have no field '\(key)'"
            }
            guard index >= next else {
                return "in \(record.type) records, '\(key)' comes after '\(declared[next - 1].name)' but belongs before it"
            }
            guard value.kindName == declared[index].type.rawValue else {
                return "in \(record.type) records, '\(key)' is of type \(declared[index].type.rawValue), not \(value.kindName)"
            }
            next = index + 1
        }
        return nil
    }

    private static func fields(_ list: KeyValuePairs<String, ValueType>) -> [Field] {
        list.map { Field(name: $0.key, type: $0.value) }
    }
}
