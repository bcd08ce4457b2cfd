#!/bin/sh
# Runs one spike-platform firmware ELF on QEMU and exits with the firmware's exit code.
#
#   run-qemu.sh [-t seconds] [-n harts] [-g port] [-q] file.elf [extra qemu options...]
#
#   -t seconds  wall-clock limit (default 20); on expiry prints a message, exits 124
#   -n harts    number of harts (QEMU -smp, default 1)
#   -g port     wait for gdb on localhost:port before the first instruction
#               (gdb-multiarch: set architecture riscv:rv32; target remote :port)
#   -q          no message on failure (only the exit code)
#
# The firmware ends the run through HTIF (tohost = (code << 1) | 1), which makes QEMU exit
# with `code` (only its low 8 bits reach the shell). Console output (HTIF device 1) goes to
# stdout.
set -u

timeout_s=20
harts=1
gdbport=
quiet=0
while getopts "t:n:g:qh" opt; do
    case $opt in
    t) timeout_s=$OPTARG ;;
    n) harts=$OPTARG ;;
    g) gdbport=$OPTARG ;;
    q) quiet=1 ;;
    *) sed -n '2,16s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -lt 1 ]; then
    sed -n '2,16s/^# \{0,1\}//p' "$0" >&2
    exit 2
fi
elf=$1
shift
if [ ! -f "$elf" ]; then
    echo "run-qemu.sh: no such file: $elf" >&2
    exit 2
fi

QEMU=${QEMU:-qemu-system-riscv32}
set -- -machine spike -smp "$harts" -m 256M -nographic -monitor none -serial stdio \
    -bios none -kernel "$elf" "$@"
if [ -n "$gdbport" ]; then
    set -- "$@" -gdb "tcp::$gdbport" -S
fi

timeout --foreground -k 2 "$timeout_s" "$QEMU" "$@" </dev/null
rc=$?
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    [ $quiet -eq 1 ] || echo "run-qemu.sh: $elf: no exit after ${timeout_s}s (timeout)" >&2
    exit 124
fi
if [ $rc -ne 0 ] && [ $quiet -eq 0 ]; then
    echo "run-qemu.sh: $elf: exit code $rc" >&2
fi
exit $rc
