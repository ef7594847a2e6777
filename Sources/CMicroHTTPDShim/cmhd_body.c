// A buffered body's bytes as they arrive: kept within max_body_bytes and the budget, or dropped;
// its decoding charge once whole. Sizes come from cmhd_policy.c, charges go to cmhd_ledger.c.
#include "cmhd_internal.h"

#include <stdlib.h>
#include <string.h>

void cmhd_discard_body(cmhd_request *request) {
    free(request->body);
    request->body = NULL;
    request->length = 0;
    request->capacity = 0;
    cmhd_release(request, &request->body_charge);
}

// Grows the body's charge to `amount` bytes; false when the budget cannot take it.
static bool charge_body(cmhd_request *request, uint64_t amount) {
    if (amount <= request->body_charge) return true;
    if (!cmhd_charge(request, amount - request->body_charge, false, false)) return false;
    request->body_charge = amount;
    return true;
}

static void drop_body(cmhd_request *request, cmhd_body_state why) {
    request->body_state = why;  // keep reading (and dropping) to answer at the end
    cmhd_discard_body(request);
}

// Memory and its charge follow the bytes received, so a client that declares much and sends
// little holds little.
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
        uint64_t capacity = cmhd_policy_buffer_capacity(request->capacity, needed, ceiling);
        if (!charge_body(request, capacity)) {
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

void cmhd_finish_body(cmhd_request *request) {
    if (request->body_state != CMHD_BODY_KEPT || request->length == 0) return;
    uint64_t decoding = cmhd_policy_decoding_charge(request->length, request->factor, request->capacity);
    if (!charge_body(request, decoding)) drop_body(request, CMHD_BODY_OVER_BUDGET);
}
