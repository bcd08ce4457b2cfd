# The fabric controller starts core 2 without writing its boot address (BOOT_ADDR[2] stays 0):
# the core's first fetch (address 0, the TCDM alias, all zeros) is an illegal instruction with
# no handler, and the report must say that the core was started at a boot address the FC never
# wrote. The FC then waits for ever.
    .section .text.init, "ax"
    .globl _start
_start:
    li t0, 0x10200000
    li t1, 1 << 2
    sw t1, 0x008(t0)            # FETCH_EN: core 2
1:  wfi
    j 1b
