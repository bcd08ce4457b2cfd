# A call through a null function pointer with no trap handler: the report (exit 120) names the
# jalr that jumped to 0 and its symbol (on pulp-cluster address 0 is the TCDM alias, which holds
# zeros: an illegal instruction; on spike it is unmapped: an instruction access fault).
    .section .text.init, "ax"
    .globl _start
_start:
    li a5, 0
call_through_null:
    jalr ra, 0(a5)
    j _start
