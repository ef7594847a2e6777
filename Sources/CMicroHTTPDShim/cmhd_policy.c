// The policy (include/cmhd_policy.h): decisions only, on plain values. Calls nothing.
#include "cmhd_policy.h"

enum { INITIAL_BODY_CAPACITY = 64 * 1024 };

bool cmhd_policy_fits(uint64_t charged, uint64_t amount, uint64_t limit) {
    return limit == 0 || (charged <= limit && amount <= limit - charged);
}

// Whether a charge could ever fit, on an idle server.
static bool could_fit(const cmhd_limits *limits, uint64_t amount) {
    if (limits->memory_budget != 0 && amount > limits->memory_budget) return false;
    return limits->memory_budget_per_address == 0 || amount <= limits->memory_budget_per_address;
}

cmhd_admission cmhd_policy_admit(const cmhd_limits *limits, uint64_t length, uint64_t factor, bool expects_continue,
                                 uint64_t charged, uint64_t address_charged) {
    if (length == 0 || length > limits->max_body_bytes) return CMHD_ADMITTED;  // too large: 413 at its end
    uint64_t amount;
    if (__builtin_mul_overflow(length, factor == 0 ? 1 : factor, &amount) || !could_fit(limits, amount)) {
        return CMHD_NEVER_FITS;
    }
    // A client that waits for 100 Continue can be told now, before it sends anything; the budget
    // is compared, not reserved (a reservation is what a silent client would hold).
    if (expects_continue && (!cmhd_policy_fits(charged, amount, limits->memory_budget) ||
                             !cmhd_policy_fits(address_charged, amount, limits->memory_budget_per_address))) {
        return CMHD_OVER_BUDGET;
    }
    return CMHD_ADMITTED;
}

uint64_t cmhd_policy_buffer_capacity(uint64_t capacity, uint64_t needed, uint64_t ceiling) {
    if (needed <= capacity) return capacity;
    uint64_t grown = capacity ? capacity : INITIAL_BODY_CAPACITY;
    while (grown < needed) grown = grown > UINT64_MAX / 2 ? UINT64_MAX : grown * 2;
    if (grown > ceiling) grown = ceiling;
    if (grown < needed) grown = needed;
    return grown;
}

uint64_t cmhd_policy_decoding_charge(uint64_t length, uint64_t factor, uint64_t capacity) {
    uint64_t decoding;
    if (__builtin_mul_overflow(length, factor == 0 ? 1 : factor, &decoding)) decoding = UINT64_MAX;
    return decoding < capacity ? capacity : decoding;
}

void cmhd_policy_rate_restart(cmhd_rate *rate, uint64_t now_ns) {
    rate->window_start_ns = now_ns;
    rate->last_chunk_ns = now_ns;
    rate->window_bytes = 0;
}

bool cmhd_policy_rate_ok(cmhd_rate *rate, const cmhd_limits *limits, uint64_t now_ns, uint64_t bytes) {
    if (limits->min_body_rate == 0) return true;
    uint64_t window_ns = (uint64_t)(limits->max_body_gap ? limits->max_body_gap : 10) * 1000000000u;
    bool stalled_here = now_ns - rate->last_chunk_ns > window_ns;
    rate->last_chunk_ns = now_ns;
    if (stalled_here) {
        rate->window_start_ns = now_ns;
        rate->window_bytes = bytes;
        return true;
    }
    rate->window_bytes += bytes;
    uint64_t elapsed = now_ns - rate->window_start_ns;
    if (elapsed < window_ns) return true;
    if ((double)rate->window_bytes * 1e9 < (double)limits->min_body_rate * (double)elapsed) return false;
    rate->window_start_ns = now_ns;
    rate->window_bytes = 0;
    return true;
}

cmhd_chunk_step cmhd_policy_after_chunk(size_t offered, size_t taken) {
    return taken < offered ? CMHD_STEP_PAUSE : CMHD_STEP_CONTINUE;
}
