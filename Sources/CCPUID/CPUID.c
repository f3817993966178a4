#include "CCPUID.h"

#include <time.h>

#if defined(__x86_64__)
#include <cpuid.h>

int condenser_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t registers[4]) {
    registers[0] = registers[1] = registers[2] = registers[3] = 0;
    // The highest leaf of the range (basic 0x0…, extended 0x8000_0000…) bounds what may be asked.
    if (leaf > __get_cpuid_max(leaf & 0x80000000u, 0)) return 0;
    __cpuid_count(leaf, subleaf, registers[0], registers[1], registers[2], registers[3]);
    return 1;
}

uint64_t condenser_xcr0(void) {
    uint32_t registers[4];
    if (!condenser_cpuid(1, 0, registers) || !(registers[2] & (1u << 27))) return 0;
    uint32_t low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return ((uint64_t)high << 32) | low;
}
static double seconds_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
}

double condenser_measure_clock_ghz(void) {
    const long iterations = 400000;  // 8 dependent adds each: 3.2 M cycles, about a millisecond
    double best = 0;
    for (int run = 0; run < 7; run++) {
        uint64_t value = 0;
        double start = seconds_now();
        for (long i = 0; i < iterations; i++) {
            __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                             "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(value));
        }
        double elapsed = seconds_now() - start;
        double ghz = elapsed > 0 ? 8.0 * (double)iterations / elapsed / 1e9 : 0;
        if (ghz > best) best = ghz;
    }
    return best;
}
#else
double condenser_measure_clock_ghz(void) { return 0; }

int condenser_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t registers[4]) {
    (void)leaf; (void)subleaf;
    registers[0] = registers[1] = registers[2] = registers[3] = 0;
    return 0;
}

uint64_t condenser_xcr0(void) { return 0; }
#endif
