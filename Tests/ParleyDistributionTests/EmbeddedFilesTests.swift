import Foundation
import Testing
@testable import ParleyDistribution

@Suite("the files a parley binary carries")
struct EmbeddedFilesTests {
    @Test("EmbeddedFiles.swift holds Stdlib/, Annotations/ and Scaffold/ byte for byte", arguments: ["Stdlib", "Annotations", "Scaffold"])
    func inStep(folder: String) {
        let embedded = switch folder {
        case "Stdlib": EmbeddedFiles.stdlibFiles
        case "Annotations": EmbeddedFiles.annotationFiles
        default: EmbeddedFiles.scaffoldFiles
        }
        let onDisk = files(under: repositoryRoot.appendingPathComponent(folder))
        let carried = Dictionary(uniqueKeysWithValues: embedded.map { ($0.path, $0.contents) })
        let fix = "Sources/ParleyDistribution/EmbeddedFiles.swift is out of step with \(folder)/: run ./contrib/embed-files.sh and commit the result"
        #expect(Set(onDisk.keys) == Set(carried.keys), "\(fix) (files differ)")
        for (path, bytes) in onDisk where carried[path] != nil {
            #expect(carried[path] == bytes, "\(fix) (\(folder)/\(path) differs)")
        }
        #expect(!embedded.isEmpty)
    }

    @Test("the built-in Stdlib is written once to a private cache, named by version and content, and reused")
    func cachedOnce() throws {
        let cache = try temporaryFolder("cache")
        let folder = try EmbeddedStdlib.folder(environment: ["XDG_CACHE_HOME": cache.path])
        #expect(folder.path == cache.appendingPathComponent("parley/stdlib-\(ParleyVersion.current)-\(EmbeddedStdlib.fingerprint)").path)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("parley/script.lua").path))
        #expect(files(under: folder) == Dictionary(uniqueKeysWithValues: EmbeddedFiles.stdlibFiles.map { ($0.path, $0.contents) }))
        let marker = folder.appendingPathComponent("parley/marker")
        try Data("kept".utf8).write(to: marker)
        #expect(try EmbeddedStdlib.folder(environment: ["XDG_CACHE_HOME": cache.path]).path == folder.path)
        #expect(FileManager.default.fileExists(atPath: marker.path), "a matching cache is reused, not written again")
        // Nothing but the one folder: no staging folder is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("parley").path) == [folder.lastPathComponent])
    }

    @Test("a cached Stdlib edited by hand is replaced with the built-in files")
    func editedCacheReplaced() throws {
        let cache = try temporaryFolder("cache")
        let folder = try EmbeddedStdlib.folder(environment: ["XDG_CACHE_HOME": cache.path])
        let script = folder.appendingPathComponent("parley/script.lua")
        try Data("error('edited')".utf8).write(to: script)
        #expect(try EmbeddedStdlib.folder(environment: ["XDG_CACHE_HOME": cache.path]).path == folder.path)
        #expect(FileManager.default.contents(atPath: script.path) == EmbeddedFiles.stdlibFiles.first { $0.path == "parley/script.lua" }?.contents)
    }

    @Test("a cache others could write in is not trusted: neither a base folder nor a matching Stdlib in it")
    func sharedCacheRefused() throws {
        let cache = try temporaryFolder("shared")
        let folder = try EmbeddedStdlib.folder(environment: ["XDG_CACHE_HOME": cache.path])
        // As if another user had made the folder first, writable by all, with matching files.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.path)
        let again = try EmbeddedStdlib.folder(environment: ["XDG_CACHE_HOME": cache.path])
        #expect(again.path == folder.path)
        let mode = try FileManager.default.attributesOfItem(atPath: again.path)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o022 } == 0, "a folder others can write in was replaced with a private one")
        // A base folder others can write in is passed over for the next place.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: cache.appendingPathComponent("parley").path)
        let home = try temporaryFolder("home")
        let elsewhere = try EmbeddedStdlib.folder(environment: ["XDG_CACHE_HOME": cache.path, "HOME": home.path])
        #expect(elsewhere.path.hasPrefix(home.appendingPathComponent(".cache/parley").path))
    }

    @Test("a cache folder that cannot be written gives way to the next place")
    func unwritableCache() throws {
        let blocked = try temporaryFolder("blocked").appendingPathComponent("a-file")
        try Data().write(to: blocked)  // a file where the cache folder would go
        let home = try temporaryFolder("home")
        let folder = try EmbeddedStdlib.folder(environment: ["XDG_CACHE_HOME": blocked.path, "HOME": home.path])
        #expect(folder.path.hasPrefix(home.appendingPathComponent(".cache/parley").path))
    }

    @Test("the version is a release number")
    func version() {
        #expect(ParleyVersion.current.split(separator: ".").count == 3)
        #expect(ParleyVersion.current.split(separator: ".").allSatisfy { Int($0) != nil })
    }
}
