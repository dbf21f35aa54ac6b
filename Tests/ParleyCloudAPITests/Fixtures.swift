import Foundation
import ParleyCloudAPI
import ParleyJSON
import ParleyPolicy

/// The conformance corpus under `Tests/Fixtures/cloud-api`, found from this file's path so the
/// tests run from any working directory.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ParleyCloudAPITests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures/cloud-api")

    static let webhooks = root.appendingPathComponent("webhooks")

    /// Every webhook fixture's file name, sorted.
    static let webhookNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: webhooks.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }()

    static func text(_ name: String) throws -> String {
        try String(contentsOf: webhooks.appendingPathComponent(name), encoding: .utf8)
    }

    static func json(_ name: String) throws -> JSONValue {
        try JSONValue.parse(try text(name))
    }

    /// The fixture decoded.
    static func batch(_ name: String) throws -> WebhookBatch {
        try WebhookDecoder().decode(try text(name))
    }

    /// The fixture decoded after replacing its placeholders (`"PHONE_NUMBER"`, `"BSUID_123"`)
    /// with realistic values, for fixtures whose ids are not real numbers.
    static func batch(_ name: String, replacing replacements: [(String, String)]) throws -> WebhookBatch {
        var text = try text(name)
        for (placeholder, value) in replacements {
            text = text.replacingOccurrences(of: "\"\(placeholder)\"", with: "\"\(value)\"")
        }
        return try WebhookDecoder().decode(text)
    }
}

extension WebhookBatch {
    /// The only event, or `nil` when there are none or several.
    var only: WebhookEvent? { events.count == 1 ? events[0] : nil }

    var messages: [InboundMessage] {
        events.compactMap { if case .message(let m) = $0 { return m } else { return nil } }
    }

    var statuses: [MessageStatus] {
        events.compactMap { if case .status(let s) = $0 { return s } else { return nil } }
    }
}

func contact(_ raw: String) -> ContactID {
    guard let id = ContactID(raw) else { fatalError("test contact \(raw) is not valid") }
    return id
}
