// What the shim's files share; not part of the module's interface.
#ifndef CMHD_INTERNAL_H
#define CMHD_INTERNAL_H

#include "cmhd_shim.h"

#include <microhttpd.h>
#include <stdatomic.h>

// Client addresses are hashed into this many shares of the per-address budget: two addresses
// that collide share one (stricter, never looser).
enum { CMHD_ADDRESS_SHARES = 4096 };

struct cmhd_server {
    struct MHD_Daemon *daemon;
    cmhd_handler handler;
    void *context;
    cmhd_config config;
    _Atomic uint64_t charged;
    _Atomic uint64_t *address_charged;  // CMHD_ADDRESS_SHARES counters when per-address budgets are on
    uint16_t port;
    atomic_uint in_flight;
    bool layout_trusted;  // libmicrohttpd is 0.9.75, whose header layout cmhd_framing.c reads
};

// One per connection (the connection notification's context): the request whose line was read
// and that is not finished yet, so that one the library drops without a completion call is freed.
typedef struct cmhd_connection {
    cmhd_request *pending;
} cmhd_connection;

enum { CMHD_EARLY_PATH_SIZE = 96 };

struct cmhd_request {
    cmhd_server *server;
    struct MHD_Connection *connection;
    cmhd_connection *owner;
    bool started;        // the handler's headers phase was reached
    bool headers_gone;   // finished after its connection: headers and pointers below are gone
    const char *method;
    const char *path;
    // The request target as sent, seen by the URI log callback before libmicrohttpd splits and
    // unescapes it in place (cmhd_framing.c).
    const char *raw_target;
    size_t raw_target_length;
    cmhd_framing target_verdict;  // %00 in the path, or a CR in the target
    char early_path[CMHD_EARLY_PATH_SIZE];  // the path as sent, cut: for requests never started
    void *exchange;  // the application's, from HEADERS to ENDED
    size_t address_share;
    cmhd_framing framing;
    // Body and its charge: its capacity while it arrives, length x `factor` once whole.
    uint64_t factor;
    bool has_length;    // Content-Length was sent (parsed once, in cmhd_framing.c)
    uint64_t content_length;
    bool chunked;       // Transfer-Encoding: chunked
    uint64_t declared;  // Content-Length of an admitted body; 0 when chunked or absent
    uint8_t *body;
    size_t length;
    size_t capacity;
    uint64_t body_charge;
    uint64_t answer_charge;  // the queued answer, held until libmicrohttpd is done with it
    cmhd_body_state body_state;
    // Slow-body detection while the body is read.
    bool reading_body;
    bool slow;
    bool answered;
    uint64_t window_start_ns;
    uint64_t window_bytes;
    uint64_t last_chunk_ns;
    cmhd_close_reason close_reason;
    struct MHD_Response *response;
    unsigned int status;
};

// CLOCK_MONOTONIC in nanoseconds, for the rate check (Swift keeps its own clock for durations).
uint64_t cmhd_now_ns(void);

// Memory budget (cmhd_budget.c).
size_t cmhd_address_share(struct MHD_Connection *connection);
// Adds `amount` to the request's charges unless a budget would pass its limit (`force` adds anyway).
bool cmhd_charge(cmhd_request *request, uint64_t amount, bool force);
// Gives `*amount` back and zeroes it.
void cmhd_release(cmhd_request *request, uint64_t *amount);
// Grows the body's charge to `amount` bytes; false when the budget cannot take it.
bool cmhd_charge_body(cmhd_request *request, uint64_t amount);
// Frees the body buffer and gives its charge back.
void cmhd_discard_body(cmhd_request *request);

// Body (cmhd_body.c).
void cmhd_append_chunk(cmhd_request *request, const char *data, size_t size);
// The whole body is in: tops its charge up to length x factor, or drops it (CMHD_BODY_OVER_BUDGET).
void cmhd_finish_body(cmhd_request *request);
bool cmhd_body_rate_ok(cmhd_request *request, size_t size);

// Framing (cmhd_framing.c): the raw request target (URI log callback), then the header walk of
// the headers phase.
void cmhd_note_target(cmhd_request *request, const char *target);
cmhd_framing cmhd_check_framing(cmhd_request *request, const char *version);

#endif
