#!/usr/bin/env python3
"""Compares `pulpsim disasm` with `riscv64-unknown-elf-objdump -d` (mnemonic and operands) for
every instruction of the given ELFs. Prints mismatches and 'N passed, M failed'."""
import re, subprocess, sys
from collections import Counter

LINE = re.compile(r"^\s*([0-9a-f]+):\s+([0-9a-f]{4,8})\s+(\S+)(?:\s+(.*?))?\s*$")

def parse(text):
    out = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            addr, word, mnem, ops = m.groups()
            ops = (ops or "").strip()
            ops = re.sub(r"\s*#.*$", "", ops)          # objdump comments
            ops = re.sub(r"\s+<[^>]*>", "", ops)          # symbolic targets
            out[int(addr, 16)] = (word, mnem, ops)
    return out

def main():
    pulpsim = sys.argv[1]
    ok = bad = 0
    kinds = Counter()
    for elf in sys.argv[2:]:
        ref = parse(subprocess.run(["riscv64-unknown-elf-objdump", "-d", elf], capture_output=True, text=True).stdout)
        ours = parse(subprocess.run([pulpsim, "disasm", elf], capture_output=True, text=True).stdout)
        for addr, (word, mnem, ops) in ref.items():
            if mnem.startswith(".") or mnem == "unimp": continue
            mine = ours.get(addr)
            if mine and mine[1] == mnem and mine[2] == ops:
                ok += 1
            else:
                bad += 1
                kinds[mnem] += 1
                if kinds[mnem] <= 2:
                    print(f"{elf}:{addr:08x} {word}: objdump '{mnem} {ops}' pulpsim '{(mine[1] + ' ' + mine[2]) if mine else None}'")
    print(f"{ok} passed, {bad} failed")
    return 1 if bad else 0

sys.exit(main())
