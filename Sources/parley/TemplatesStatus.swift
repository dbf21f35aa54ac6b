import ArgumentParser
import Foundation
import ParleyCloudAPI
import ParleyGraphAPI
import ParleyConfig
import ParleyJSON
import ParleyPolicy
import ParleyStorage

extension Templates {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the account's templates as the platform holds them: status, category, quality, and why one was rejected.",
            discussion: """
            Reads GET /{waba-id}/message_templates with PARLEY_ACCESS_TOKEN and [cloud_api] \
            waba_id. With --watch it reads again every --every seconds and prints each change, \
            until no template is in review (PENDING or IN_APPEAL).
            """
        )

        @Option(help: "The configuration file (parley.toml).")
        var config: String

        @Option(help: "Only templates with this name.")
        var name: String?

        @Flag(help: "Follow the changes while a review runs.")
        var watch = false

        @Option(help: "Seconds between reads with --watch.")
        var every = 30

        static let fields = ["name", "language", "status", "category", "quality_score", "rejected_reason", "id"]

        func run() async throws {
            let settings = try loadDeployment(config, for: "parley templates status")
            let sync = TemplateSync(settings: settings.cloudAPI)
            var listing = try await read(sync)
            print(StatusListing.table(listing, pauses: pauses(settings)))
            while watch, listing.contains(where: \.inReview) {
                try await Task.sleep(for: .seconds(max(every, 1)))
                let next = try await read(sync)
                for change in StatusListing.changes(from: listing, to: next) { print(change) }
                listing = next
            }
        }

        /// What the deployment's database recorded of each template's pauses (the template
        /// webhooks that `serve` heard), by `name/language`: "1 of 2, until ...". Empty when
        /// there is no database yet.
        private func pauses(_ settings: DeploymentConfig) -> [String: String] {
            let database = settings.resolve(settings.server.database).path
            let catalog: TemplateCatalog?
            do {
                catalog = try CatalogSnapshot.read(databaseAt: database)
            } catch {
                complain("warning: cannot read the pauses in \(database): \(error)")
                return [:]
            }
            let allowed = settings.runtime.policy.templatePauses.count
            var pauses: [String: String] = [:]
            for template in catalog?.templates ?? [] where template.pauseCount > 0 {
                let until = template.status == .paused ? template.pausedUntil.map { ", until \($0.iso8601)" } ?? "" : ""
                pauses[template.key.description] = "\(template.pauseCount) of \(allowed)\(until)"
            }
            return pauses
        }

        private func read(_ sync: TemplateSync) async throws -> [TemplateDraft] {
            do {
                return try await sync.fetchEntries(fields: Self.fields).map(TemplateDraft.init)
                    .filter { name == nil || $0.name == name }
                    .sorted { ($0.name ?? "", $0.language ?? "") < ($1.name ?? "", $1.language ?? "") }
            } catch {
                complain("parley templates status: \(error)")
                throw Exit.cannotLoad
            }
        }
    }
}

/// The account's templates as a table, and what changed between two reads.
enum StatusListing {
    /// `pauses`: what the deployment recorded of each template's pauses, by `name/language`;
    /// the column shows only when there is one.
    static func table(_ templates: [TemplateDraft], pauses: [String: String] = [:]) -> String {
        guard !templates.isEmpty else { return "no templates" }
        let showsPauses = !pauses.isEmpty
        let header = ["NAME", "LANGUAGE", "STATUS", "CATEGORY", "QUALITY", "ID"] + (showsPauses ? ["PAUSES"] : [])
        let rows = templates.map { t in
            [t.name ?? "?", t.language ?? "?", t.status ?? "?", t.category ?? "?", t.quality ?? "-", t.id ?? "-"]
                + (showsPauses ? [pauses["\(t.name ?? "?")/\(t.language ?? "?")"] ?? "-"] : [])
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var lines = [line(header)]
        for (row, template) in zip(rows, templates) {
            lines.append(line(row))
            if let reason = template.rejectedReason { lines.append("    rejected: \(reason)") }
        }
        return lines.joined(separator: "\n")
    }

    /// `order_update/en_US: PENDING → APPROVED`, for each template whose status, category or
    /// quality changed, appeared or went.
    static func changes(from old: [TemplateDraft], to new: [TemplateDraft]) -> [String] {
        func key(_ t: TemplateDraft) -> String { "\(t.name ?? "?")/\(t.language ?? "?")" }
        let before = Dictionary(old.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        for t in new {
            guard let was = before[key(t)] else {
                lines.append("\(key(t)): new, \(t.status ?? "?")")
                continue
            }
            for (what, from, to) in [("status", was.status, t.status), ("category", was.category, t.category), ("quality", was.quality, t.quality)] where from != to {
                lines.append("\(key(t)): \(what) \(from ?? "-") → \(to ?? "-")" + (what == "status" && to == "REJECTED" ? t.rejectedReason.map { " (\($0))" } ?? "" : ""))
            }
        }
        let now = Set(new.map(key))
        for t in old where !now.contains(key(t)) { lines.append("\(key(t)): deleted") }
        return lines
    }
}

extension TemplateDraft {
    /// Still in review: a watch goes on while one is.
    var inReview: Bool { ["PENDING", "IN_APPEAL"].contains((status ?? "").uppercased()) }
}
