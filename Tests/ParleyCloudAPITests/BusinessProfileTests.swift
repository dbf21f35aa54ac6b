import Foundation
import ParleyCloudAPI
import ParleyJSON
import Testing

@Suite("Business profile")
struct BusinessProfileTests {
    static func profile(_ json: String) throws -> BusinessProfile { BusinessProfile(try JSONValue.parse(json)) }

    @Test("a profile over every limit names each field and its fix")
    func overEveryLimit() throws {
        let long = { (n: Int) in String(repeating: "x", count: n) }
        let profile = try Self.profile(#"""
            {"about": "\#(long(140))", "address": "\#(long(257))", "description": "\#(long(257))",
             "email": "\#(long(120))@example.com", "websites": ["shop.example", "https://\#(long(250)).example", "https://c.example"],
             "vertical": "retail", "abuot": "typo"}
            """#)
        let problems = profile.problems(file: "profile.json")
        let byField = Dictionary(grouping: problems, by: \.component)
        #expect(byField["about"]?.first?.message.contains("140 characters, over 139") == true)
        #expect(byField["address"]?.first?.message.contains("over 256") == true)
        #expect(byField["description"]?.first?.message.contains("over 256") == true)
        #expect(byField["email"]?.first?.message.contains("over 128") == true)
        #expect(byField["websites"]?.first?.message.contains("at most 2") == true)
        #expect(byField["websites[1]"]?.first?.message.contains("http:// or https://") == true)
        #expect(byField["websites[2]"]?.first?.message.contains("over 256") == true)
        #expect(byField["vertical"]?.first?.fix == "write \"RETAIL\"")
        #expect(byField["abuot"]?.first?.message.contains("not a profile field") == true)
        #expect(problems.allSatisfy { $0.severity == .error })
    }

    @Test("an e-mail address needs a name, an @ and a domain with a dot", arguments: ["ana", "ana@", "@example.com", "ana@example", "an a@example.com"])
    func badEmail(_ email: String) throws {
        #expect(try Self.profile(#"{"email": "\#(email)"}"#).problems(file: "p").contains { $0.component == "email" })
    }

    @Test("the platform's own example passes, and reads from its answer as from a file")
    func metaExample() throws {
        let answer = try Self.profile(#"""
            {"data": [{"business_profile": {"messaging_product": "whatsapp", "about": "Welcome to our business! We provide excellent service.",
              "address": "123 Business Street, City, State 12345", "description": "We are a leading provider of quality products and services.",
              "email": "contact@business.com", "profile_picture_url": "https://pps.whatsapp.net/v/profile_picture_url",
              "websites": ["https://www.business.com", "https://www.facebook.com/business"], "vertical": "RESTAURANT"}}]}
            """#)
        #expect(answer.problems(file: "answer").isEmpty)
        #expect(answer.vertical == "RESTAURANT")
        #expect(answer.pictureURL == "https://pps.whatsapp.net/v/profile_picture_url")
        let request = answer.updateRequest(photoHandle: "4::h")
        #expect(request["messaging_product"] == "whatsapp")
        #expect(request["profile_picture_handle"] == "4::h")
        #expect(request["profile_picture_url"] == nil)
        #expect(request["websites"]?.arrayValue?.count == 2)
    }

    /// The first bytes of a PNG whose IHDR says `width`×`height`.
    static func png(_ width: Int, _ height: Int) -> [UInt8] {
        let be = { (n: Int) in [UInt8(n >> 24 & 255), UInt8(n >> 16 & 255), UInt8(n >> 8 & 255), UInt8(n & 255)] }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + be(width) + be(height) + [8, 2, 0, 0, 0]
    }

    /// A JPEG's start, an APP0 segment, then a baseline frame of `width`×`height`.
    static func jpeg(_ width: Int, _ height: Int) -> [UInt8] {
        [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, UInt8(height >> 8), UInt8(height & 255), UInt8(width >> 8), UInt8(width & 255), 3, 0, 0, 0]
    }

    @Test("a photo's type and size come from its header; a square of 640 passes, another shape is warned of")
    func photo() throws {
        let square = try #require(ProfilePhoto(Self.png(640, 640)))
        #expect(square.mimeType == "image/png")
        #expect(square.problems(file: "p").isEmpty)
        let wide = try #require(ProfilePhoto(Self.jpeg(1200, 630)))
        #expect(wide.mimeType == "image/jpeg")
        #expect(wide.width == 1200 && wide.height == 630)
        #expect(wide.problems(file: "p").map(\.severity) == [.warning])
        #expect(ProfilePhoto(Array("GIF89a".utf8)) == nil)
        let huge = try #require(ProfilePhoto(Self.png(640, 640) + [UInt8](repeating: 0, count: ProfilePhoto.maxBytes)))
        #expect(huge.problems(file: "p").contains { $0.severity == .error && $0.message.contains("over 5 MB") })
    }
}
