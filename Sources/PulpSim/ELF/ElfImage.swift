// ELF loading: reads a firmware ELF with libelf into segments and symbols, validating it
// (docs/platform.md §3).
//
// Each kind of bad file gets its own `ElfError` case and message: not ELF, 64-bit, big-endian,
// wrong machine, not executable, truncated, no loadable segments. Placement against the memory map
// is checked by the platform (`Machine.load`), which knows the regions.

import CLibElf
import Foundation

/// A PT_LOAD segment's contents.
public struct ElfSegment: Sendable {
    public let index: Int
    public let address: UInt32
    public let virtualAddress: UInt32
    public let fileBytes: [UInt8]
    public let memorySize: UInt32
    public let executable: Bool
}

/// A named address from the symbol table.
public struct ElfSymbol: Sendable {
    public let name: String
    public let address: UInt32
    public let size: UInt32
    public let isFunction: Bool
}

/// Why an ELF file was rejected.
public enum ElfError: Error, CustomStringConvertible, Sendable {
    case unreadable(path: String, reason: String)
    case notELF(path: String)
    case notRV32(path: String, elfClass: Int)
    case bigEndian(path: String)
    case wrongMachine(path: String, machine: Int)
    case notExecutable(path: String, type: Int)
    case truncated(path: String, what: String)
    case noLoadableSegments(path: String)
    case addressMismatch(path: String, segment: Int, physical: UInt64, virtual: UInt64)
    case segmentOutsideMemoryMap(path: String, segment: Int, start: UInt64, end: UInt64, detail: String)
    case malformed(path: String, detail: String)

    public var description: String {
        switch self {
        case .unreadable(let p, let r): return "cannot read '\(p)': \(r)"
        case .notELF(let p): return "'\(p)' is not an ELF file (bad magic number)"
        case .notRV32(let p, let c):
            return "'\(p)' is a \(c == 2 ? "64-bit" : "class-\(c)") ELF; pulpsim runs 32-bit (ELFCLASS32) RISC-V firmware — build with -march=rv32imfc_zicsr_zifencei -mabi=ilp32f"
        case .bigEndian(let p): return "'\(p)' is big-endian; RISC-V firmware must be little-endian"
        case .wrongMachine(let p, let m):
            return "'\(p)' is for machine \(m) (\(elfMachineName(m))), not RISC-V (EM_RISCV = 243)"
        case .notExecutable(let p, let t):
            return "'\(p)' is not an executable (ELF type \(t)\(t == 1 ? ", a relocatable object: link it first" : t == 3 ? ", a shared object" : ""))"
        case .truncated(let p, let w): return "'\(p)' is truncated: \(w)"
        case .noLoadableSegments(let p): return "'\(p)' has no loadable (PT_LOAD) segment"
        case .addressMismatch(let p, let s, let pa, let va):
            return String(format: "'%@' segment %d has physical address 0x%llx different from virtual address 0x%llx", p, s, pa, va)
        case .segmentOutsideMemoryMap(let p, let s, let a, let e, let d):
            return String(format: "'%@' segment %d (0x%08llx-0x%08llx) %@", p, s, a, e, d)
        case .malformed(let p, let d): return "'\(p)' is malformed: \(d)"
        }
    }
}

func elfMachineName(_ machine: Int) -> String {
    switch machine {
    case 3: return "x86"
    case 8: return "MIPS"
    case 20: return "PowerPC"
    case 40: return "ARM"
    case 62: return "x86-64"
    case 183: return "AArch64"
    case 243: return "RISC-V"
    default: return "unknown"
    }
}

/// A parsed firmware ELF.
public struct ElfImage: Sendable {
    public let path: String
    public let entry: UInt32
    public let segments: [ElfSegment]
    public let symbols: [ElfSymbol]

    /// Reads and validates `path`.
    public init(path: String) throws {
        try self.init(bytes: ElfImage.readFile(path), path: path)
    }

    /// Largest ELF file read: far more than any firmware, and a bound on what a pipe or a
    /// runaway file can make pulpsim read.
    public static let maxFileSize = 256 << 20

    /// The bytes of a regular file or a pipe (`<(...)`) of at most `maxFileSize` bytes; devices,
    /// directories and sockets are refused before anything is read.
    public static func readFile(_ path: String) throws -> [UInt8] {
        func unreadable(_ reason: String) -> ElfError { .unreadable(path: path, reason: reason) }
        func reason(_ error: Int32) -> String {
            switch error {
            case ENOENT, ENOTDIR: return "no such file"
            case EACCES: return "permission denied"
            default: return String(cString: strerror(error))
            }
        }
        let tooLarge = ElfError.malformed(path: path, detail: "larger than \(maxFileSize >> 20) MiB, the most pulpsim reads")
        var info = stat()
        guard stat(path, &info) == 0 else { throw unreadable(reason(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFIFO: break
        case S_IFDIR: throw unreadable("is a directory")
        default: throw unreadable("not a regular file")
        }
        if info.st_size > maxFileSize { throw tooLarge }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable(reason(errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw unreadable(reason(errno))
            }
            if n == 0 { return bytes }
            if bytes.count + n > maxFileSize { throw tooLarge }
            bytes += chunk[0..<n]
        }
    }

    /// Parses an ELF held in memory (`path` is only used in messages).
    public init(bytes: [UInt8], path: String) throws {
        self.path = path
        // Identification checks first, so each kind of wrong file gets its own message.
        if bytes.count < 4 || bytes[0] != 0x7F || bytes[1] != 0x45 || bytes[2] != 0x4C || bytes[3] != 0x46 {
            throw ElfError.notELF(path: path)
        }
        if bytes.count < 52 { throw ElfError.truncated(path: path, what: "\(bytes.count) bytes, shorter than an ELF header") }
        if bytes[4] != 1 { throw ElfError.notRV32(path: path, elfClass: Int(bytes[4])) }
        if bytes[5] != 1 { throw ElfError.bigEndian(path: path) }
        let type = Int(bytes[16]) | Int(bytes[17]) << 8
        let machine = Int(bytes[18]) | Int(bytes[19]) << 8
        if machine != 243 { throw ElfError.wrongMachine(path: path, machine: machine) }
        if type != 2 { throw ElfError.notExecutable(path: path, type: type) }

        elf_version(UInt32(EV_CURRENT))
        var segments: [ElfSegment] = []
        var symbols: [ElfSymbol] = []
        var entry: UInt32 = 0
        let fileSize = UInt64(bytes.count)
        try bytes.withUnsafeBufferPointer { buffer in
            let raw = UnsafeMutableRawPointer(mutating: buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            guard let elf = elf_memory(raw, buffer.count) else {
                throw ElfError.malformed(path: path, detail: String(cString: elf_errmsg(-1)))
            }
            defer { elf_end(elf) }
            var header = GElf_Ehdr()
            guard gelf_getehdr(elf, &header) != nil else {
                throw ElfError.malformed(path: path, detail: String(cString: elf_errmsg(-1)))
            }
            entry = UInt32(truncatingIfNeeded: header.e_entry)
            let phEnd = UInt64(header.e_phoff) + UInt64(header.e_phnum) * UInt64(header.e_phentsize)
            if phEnd > fileSize {
                throw ElfError.truncated(path: path, what: "the program header table ends at byte \(phEnd) of \(fileSize)")
            }
            var count = 0
            guard elf_getphdrnum(elf, &count) == 0 else {
                throw ElfError.malformed(path: path, detail: String(cString: elf_errmsg(-1)))
            }
            for i in 0..<count {
                var ph = GElf_Phdr()
                guard gelf_getphdr(elf, Int32(i), &ph) != nil else {
                    throw ElfError.malformed(path: path, detail: "program header \(i): \(String(cString: elf_errmsg(-1)))")
                }
                guard ph.p_type == UInt32(PT_LOAD), ph.p_memsz > 0 else { continue }
                if UInt64(ph.p_offset) + UInt64(ph.p_filesz) > fileSize {
                    throw ElfError.truncated(path: path, what: "segment \(i) needs bytes \(ph.p_offset)..<\(UInt64(ph.p_offset) + UInt64(ph.p_filesz)) but the file has \(fileSize)")
                }
                if ph.p_filesz > ph.p_memsz {
                    throw ElfError.malformed(path: path, detail: "segment \(i) has a file size larger than its memory size")
                }
                if ph.p_paddr != ph.p_vaddr {
                    throw ElfError.addressMismatch(path: path, segment: i, physical: UInt64(ph.p_paddr), virtual: UInt64(ph.p_vaddr))
                }
                if UInt64(ph.p_paddr) + UInt64(ph.p_memsz) > 0x1_0000_0000 {
                    throw ElfError.segmentOutsideMemoryMap(path: path, segment: i, start: UInt64(ph.p_paddr),
                                                           end: UInt64(ph.p_paddr) + UInt64(ph.p_memsz),
                                                           detail: "wraps past the end of the 32-bit address space")
                }
                let start = Int(ph.p_offset)
                segments.append(ElfSegment(index: i, address: UInt32(ph.p_paddr), virtualAddress: UInt32(ph.p_vaddr),
                                           fileBytes: Array(buffer[start..<start + Int(ph.p_filesz)]),
                                           memorySize: UInt32(ph.p_memsz),
                                           executable: (ph.p_flags & UInt32(PF_X)) != 0))
            }
            // Symbols: optional; a stripped file still runs.
            let shEnd = UInt64(header.e_shoff) + UInt64(header.e_shnum) * UInt64(header.e_shentsize)
            if header.e_shoff != 0 && shEnd > fileSize {
                throw ElfError.truncated(path: path, what: "the section header table ends at byte \(shEnd) of \(fileSize)")
            }
            var section = elf_nextscn(elf, nil)
            while let scn = section {
                var sh = GElf_Shdr()
                if gelf_getshdr(scn, &sh) != nil, sh.sh_type == UInt32(SHT_SYMTAB), sh.sh_entsize > 0 {
                    if UInt64(sh.sh_offset) + UInt64(sh.sh_size) > fileSize {
                        throw ElfError.truncated(path: path, what: "the symbol table ends past the end of the file")
                    }
                    if let data = elf_getdata(scn, nil) {
                        let n = Int(sh.sh_size / sh.sh_entsize)
                        for j in 0..<n {
                            var sym = GElf_Sym()
                            guard gelf_getsym(data, Int32(j), &sym) != nil else { continue }
                            let kind = Int32(sym.st_info & 0xF)
                            guard kind == STT_FUNC || kind == STT_OBJECT || kind == STT_NOTYPE, sym.st_name != 0,
                                  sym.st_shndx != UInt16(SHN_UNDEF), sym.st_shndx != UInt16(SHN_ABS) else { continue }
                            guard let cName = elf_strptr(elf, Int(sh.sh_link), Int(sym.st_name)) else { continue }
                            let name = String(cString: cName)
                            if name.isEmpty || name.hasPrefix("$") || name.hasPrefix(".L") { continue }
                            symbols.append(ElfSymbol(name: name, address: UInt32(truncatingIfNeeded: sym.st_value),
                                                     size: UInt32(truncatingIfNeeded: sym.st_size),
                                                     isFunction: kind == STT_FUNC))
                        }
                    }
                }
                section = elf_nextscn(elf, scn)
            }
        }
        if segments.isEmpty { throw ElfError.noLoadableSegments(path: path) }
        self.entry = entry
        self.segments = segments
        self.symbols = symbols
    }
}

/// Address → symbol lookup for reports and traces.
public struct SymbolTable: Sendable {
    private let sorted: [ElfSymbol]
    private let byName: [String: ElfSymbol]

    public init(_ symbols: [ElfSymbol]) {
        sorted = symbols.sorted { ($0.address, $0.isFunction ? 0 : 1) < ($1.address, $1.isFunction ? 0 : 1) }
        var names: [String: ElfSymbol] = [:]
        for s in symbols where names[s.name] == nil || s.isFunction { names[s.name] = s }
        byName = names
    }

    public func address(of name: String) -> UInt32? { byName[name]?.address }
    public func symbol(named name: String) -> ElfSymbol? { byName[name] }

    /// The symbol covering `address` (or the nearest function/label before it).
    public func symbol(at address: UInt32) -> ElfSymbol? {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid].address <= address { lo = mid + 1 } else { hi = mid }
        }
        var i = lo - 1
        while i >= 0 {
            let s = sorted[i]
            if s.size == 0 || address < s.address &+ s.size || s.isFunction { return s }
            i -= 1
        }
        return nil
    }

    /// "name+0x12", or "" when nothing is known.
    public func describe(_ address: UInt32) -> String {
        guard let s = symbol(at: address) else { return "" }
        let offset = address &- s.address
        if s.size != 0 && offset >= s.size && !s.isFunction { return "" }
        return offset == 0 ? s.name : "\(s.name)+0x\(String(offset, radix: 16))"
    }
}
