#ifndef CONDENSER_CCPUID_H
#define CONDENSER_CCPUID_H
#include <stdint.h>

/// Executes cpuid for (leaf, subleaf) into registers[4] = eax, ebx, ecx, edx. Returns 0 and zeroes
/// the registers when the leaf is above the CPU's highest leaf of its range, or off x86-64.
int condenser_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t registers[4]);

/// XCR0 (xgetbv with ecx = 0): the register state the operating system saves on a context switch.
/// 0 when the OS has not enabled xsave (cpuid leaf 1, ecx bit 27), or off x86-64.
uint64_t condenser_xcr0(void);

/// The core's clock in GHz as it runs now, measured by timing a chain of dependent integer adds
/// (one cycle each on every x86-64 core) on the calling thread: the best of a few runs of about a
/// millisecond, so it shows the boost clock an idle core reaches. 0 off x86-64.
double condenser_measure_clock_ghz(void);

#endif
