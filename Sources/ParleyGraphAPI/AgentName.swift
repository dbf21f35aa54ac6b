/// An agent's name, as transcripts, the audit and the queue show who did what.
public enum AgentName {
    /// A short name: letters, digits, `.`, `_`, `-` and `@`, at most 64 bytes.
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_@".unicodeScalars.contains($0) }
    }
}
