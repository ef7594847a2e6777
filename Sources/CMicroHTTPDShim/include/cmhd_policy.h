// The transport's policy, decided in one place and nowhere else: what a body is charged, when a
// request is refused at its headers, when a slow body is cut, when a connection is paused. Pure
// functions of plain values (no sockets, no clock, no libmicrohttpd): the rest of the shim asks
// here and acts, and the tests call these directly.
#ifndef CMHD_POLICY_H
#define CMHD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMHD_POLICY_CLOSED_ENUM __attribute__((enum_extensibility(closed)))

// The limits the policy reads (a copy of the server's configuration).
typedef struct cmhd_limits {
    uint64_t max_body_bytes;
    uint64_t memory_budget;              // 0: no limit
    uint64_t memory_budget_per_address;  // 0: no limit
    uint64_t min_body_rate;              // bytes per second; 0: off
    unsigned int max_body_gap;           // seconds; also the rate window (10 when 0)
} cmhd_limits;

// Whether `amount` more fits under `limit` (0: none) beside `charged` (which answers may push past it).
bool cmhd_policy_fits(uint64_t charged, uint64_t amount, uint64_t limit);

// The verdict at the headers on a body to be read.
typedef enum CMHD_POLICY_CLOSED_ENUM cmhd_admission {
    CMHD_ADMITTED,
    CMHD_OVER_BUDGET,  // `Expect: 100-continue` and factor x length does not fit now: refuse with 503
    CMHD_NEVER_FITS,   // factor x length exceeds a whole budget: refuse with 413
} cmhd_admission;

// A buffered body declared `length` bytes long (0: chunked or none) at `factor` budget bytes per
// body byte. Nothing is charged or reserved: a client waiting for 100 Continue is compared with
// what is charged now (`charged`, `address_charged`), any other is charged as its bytes arrive.
cmhd_admission cmhd_policy_admit(const cmhd_limits *limits, uint64_t length, uint64_t factor, bool expects_continue,
                                 uint64_t charged, uint64_t address_charged);

// The buffer a body needs to hold `needed` bytes, from `capacity` now: 64 KiB on the first byte
// (or the declared length if smaller), doubling, never past `ceiling` (the declared length, or
// max_body_bytes for a chunked body) unless `needed` is.
uint64_t cmhd_policy_buffer_capacity(uint64_t capacity, uint64_t needed, uint64_t ceiling);

// A whole body's charge: length x factor (the measured factors include its own buffer), never
// less than the buffer it covers; UINT64_MAX on overflow.
uint64_t cmhd_policy_decoding_charge(uint64_t length, uint64_t factor, uint64_t capacity);

// The minimum-rate rule's state for one body.
typedef struct cmhd_rate {
    uint64_t window_start_ns;
    uint64_t window_bytes;
    uint64_t last_chunk_ns;
} cmhd_rate;

// Starts (or restarts) the window at `now`: when the body starts, and when the server itself
// paused it (time the server paused is never counted against the client).
void cmhd_policy_rate_restart(cmhd_rate *rate, uint64_t now_ns);

// False when the body arrives below min_body_rate, measured over windows of max_body_gap
// seconds. A call later than a whole window after the previous one means this thread was busy
// (a silent client is cut by the gap timeout first), so the window restarts instead.
bool cmhd_policy_rate_ok(cmhd_rate *rate, const cmhd_limits *limits, uint64_t now_ns, uint64_t bytes);

// What to do after a streamed chunk was offered to its consumer.
typedef enum CMHD_POLICY_CLOSED_ENUM cmhd_chunk_step {
    CMHD_STEP_CONTINUE,  // all taken: count the bytes against the rate rule and read on
    CMHD_STEP_PAUSE,     // the consumer is behind: suspend the connection, offer the rest on resume
} cmhd_chunk_step;
cmhd_chunk_step cmhd_policy_after_chunk(size_t offered, size_t taken);

#endif
