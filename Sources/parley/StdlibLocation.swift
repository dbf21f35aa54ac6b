import Foundation
import ParleyDistribution
import ParleySandbox

/// Where a command's Stdlib comes from: `--stdlib`, else a folder on disk (`$PARLEY_STDLIB`,
/// `./Stdlib`, beside the binary, `<prefix>/share/parley/Stdlib`: a developer's edits win),
/// else the copy built into this binary, so a binary copied anywhere still runs.
enum StdlibLocation {
    /// The folder, or the reason there is none, in words for standard error.
    static func find(given: String?) -> Result<URL, StdlibMissing> {
        if let given {
            let url = URL(fileURLWithPath: given)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("parley/script.lua").path) else {
                return .failure(StdlibMissing(message: "--stdlib \(given): no parley/script.lua there; give the Stdlib folder of a Parley checkout or install, or leave --stdlib out to use the built-in one"))
            }
            return .success(url)
        }
        if let onDisk = ModuleLibrary.locateStdlib() { return .success(onDisk) }
        do {
            return .success(try EmbeddedStdlib.folder())
        } catch {
            return .failure(StdlibMissing(message: error.description))
        }
    }
}

struct StdlibMissing: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
