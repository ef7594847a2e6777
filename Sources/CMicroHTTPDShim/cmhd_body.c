// Body bytes as they arrive: kept within max_body_bytes and the budget, or dropped; and the
// minimum-rate check that cuts slow uploads.
#include "cmhd_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { INITIAL_BODY_CAPACITY = 16 * 1024 };

uint64_t cmhd_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

void cmhd_append_chunk(cmhd_request *request, const char *data, size_t size) {
    if (request->body_state != CMHD_BODY_KEPT) return;
    uint64_t max_body = request->server->config.max_body_bytes;
    if (size > max_body - request->length) {
        request->body_state = CMHD_BODY_TOO_LARGE;  // keep reading (and dropping) to answer at the end
        cmhd_discard_body(request);
        return;
    }
    size_t needed = request->length + size;
    if (needed > request->capacity) {
        size_t capacity = request->capacity ? request->capacity : INITIAL_BODY_CAPACITY;
        while (capacity < needed) capacity *= 2;
        if (capacity > max_body) capacity = (size_t)max_body;
        if (!cmhd_charge_capacity(request, capacity)) {
            request->body_state = CMHD_BODY_OVER_BUDGET;
            cmhd_discard_body(request);
            return;
        }
        uint8_t *grown = realloc(request->body, capacity);
        if (grown == NULL) {
            request->body_state = CMHD_BODY_OVER_BUDGET;
            cmhd_discard_body(request);
            return;
        }
        request->body = grown;
        request->capacity = capacity;
    }
    memcpy(request->body + request->length, data, size);
    request->length = needed;
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
