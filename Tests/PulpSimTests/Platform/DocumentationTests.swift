// The documents a clone holds: the memory maps in docs/platform.md are exactly what
// `pulpsim memory-map` prints, and no document points outside the repository.

import Foundation
import PulpSim
import XCTest

final class DocumentationTests: XCTestCase {
    func testPlatformDocumentShowsEachMemoryMapAsTheCommandPrintsIt() throws {
        let doc = try String(contentsOf: Paths.root.appendingPathComponent("docs/platform.md"), encoding: .utf8)
        for kind in PlatformKind.allCases {
            let r = try runCLI(["memory-map", "--platform", kind.rawValue], exits: 0)
            let block = "```\n$ pulpsim memory-map --platform \(kind.rawValue)\n" + r.stdout + "```\n"
            XCTAssertTrue(doc.contains(block), "docs/platform.md lacks the memory map of \(kind.rawValue) as printed:\n\(block)")
        }
    }

    func testDocumentsCiteOnlyFilesOfTheRepository() throws {
        let root = Paths.root
        let files = ["README.md", "docs/platform.md", "docs/architecture.md", "docs/tracing-and-debugging.md",
                     "docs/regression-farm.md", "firmware/README.md", "toolchain-notes/README.md"]
        let link = try NSRegularExpression(pattern: #"\]\(([^)#:]+)(#[^)]*)?\)"#)
        for file in files {
            let url = root.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            for bad in ["/work/", "shared/SPEC", "SPEC.md", "platform-notes.md"] {
                XCTAssertFalse(text.contains(bad), "\(file) mentions \(bad)")
            }
            // Relative links must name existing files.
            for m in link.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let r = Range(m.range(at: 1), in: text) else { continue }
                let target = url.deletingLastPathComponent().appendingPathComponent(String(text[r])).standardizedFileURL
                XCTAssertTrue(FileManager.default.fileExists(atPath: target.path), "\(file) links to missing \(text[r])")
            }
        }
    }
}
