// Body bytes as they arrive: kept within max_body_bytes and the budget, or dropped; the
// decoding charge once the body is whole; and the minimum-rate check that cuts slow uploads.
#include "cmhd_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { INITIAL_BODY_CAPACITY = 64 * 1024 };

uint64_t cmhd_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void drop_body(cmhd_request *request, cmhd_body_state why) {
    request->body_state = why;  // keep reading (and dropping) to answer at the end
    cmhd_discard_body(request);
}

// The buffer starts at INITIAL_BODY_CAPACITY (or the declared length, if smaller) on the
// first byte and doubles, up to the declared length (a chunked body: max_body_bytes): memory
// and its charge follow the bytes received, so a client that declares much and sends little
// holds little.
void cmhd_append_chunk(cmhd_request *request, const char *data, size_t size) {
    if (request->body_state != CMHD_BODY_KEPT) return;
    uint64_t max_body = request->server->config.max_body_bytes;
    if (size > max_body - request->length) {
        drop_body(request, CMHD_BODY_TOO_LARGE);
        return;
    }
    size_t needed = request->length + size;
    if (needed > request->capacity) {
        uint64_t ceiling = request->declared ? request->declared : max_body;
        uint64_t capacity = request->capacity ? request->capacity : INITIAL_BODY_CAPACITY;
        while (capacity < needed) capacity *= 2;
        if (capacity > ceiling) capacity = ceiling;
        if (capacity < needed) capacity = needed;
        if (!cmhd_charge_body(request, capacity)) {
            drop_body(request, CMHD_BODY_OVER_BUDGET);
            return;
        }
        uint8_t *grown = realloc(request->body, (size_t)capacity);
        if (grown == NULL) {
            drop_body(request, CMHD_BODY_OVER_BUDGET);
            return;
        }
        request->body = grown;
        request->capacity = (size_t)capacity;
    }
    memcpy(request->body + request->length, data, size);
    request->length = needed;
}

// The measured factors are the whole peak per body byte, the body's own buffer included: the
// charge becomes length x factor (never less than the buffer it covers).
void cmhd_finish_body(cmhd_request *request) {
    if (request->body_state != CMHD_BODY_KEPT || request->length == 0) return;
    uint64_t decoding;
    if (__builtin_mul_overflow((uint64_t)request->length, request->factor, &decoding)) decoding = UINT64_MAX;
    if (decoding < request->capacity) decoding = request->capacity;
    if (!cmhd_charge_body(request, decoding)) drop_body(request, CMHD_BODY_OVER_BUDGET);
}

// False when the body arrives below min_body_rate, measured over windows of max_body_gap
// seconds. A call later than a whole window after the previous one means this thread was
// busy (a silent client is cut by the gap timeout first), so the window restarts instead.
bool cmhd_body_rate_ok(cmhd_request *request, size_t size) {
    const cmhd_config *config = &request->server->config;
    if (config->min_body_rate == 0) return true;
    uint64_t window_ns = (uint64_t)(config->max_body_gap ? config->max_body_gap : 10) * 1000000000u;
    uint64_t now = cmhd_now_ns();
    bool stalled_here = now - request->last_chunk_ns > window_ns;
    request->last_chunk_ns = now;
    if (stalled_here) {
        request->window_start_ns = now;
        request->window_bytes = size;
        return true;
    }
    request->window_bytes += size;
    uint64_t elapsed = now - request->window_start_ns;
    if (elapsed < window_ns) return true;
    if ((double)request->window_bytes * 1e9 < (double)config->min_body_rate * (double)elapsed) return false;
    request->window_start_ns = now;
    request->window_bytes = 0;
    return true;
}
