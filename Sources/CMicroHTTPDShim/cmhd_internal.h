// What the shim's files share; not part of the module's interface. Each file calls only the
// files below it (include/cmhd_shim.h lists the order).
#ifndef CMHD_INTERNAL_H
#define CMHD_INTERNAL_H

#include "cmhd_shim.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

// Client addresses are hashed into this many shares of the per-address budget: two addresses
// that collide share one (stricter, never looser).
enum { CMHD_ADDRESS_SHARES = 4096 };

struct cmhd_server {
    struct MHD_Daemon *daemon;
    cmhd_handler handler;
    void *context;
    cmhd_config config;
    cmhd_limits limits;
    _Atomic uint64_t charged;
    _Atomic uint64_t *address_charged;  // CMHD_ADDRESS_SHARES counters when per-address budgets are on
    uint16_t port;
    atomic_uint in_flight;
    bool layout_trusted;  // libmicrohttpd is 0.9.75, whose header layout cmhd_framing.c reads
    // Paused requests (cmhd_pause.c), so that stopping can resume every one first.
    pthread_mutex_t pause_lock;
    cmhd_request *paused_head;
    atomic_bool stopping;  // no more pauses: the server is stopping
    atomic_bool quiesced;  // draining: answers close their connection
    atomic_uint paused;
    // The budget's one reservation (cmhd_ledger.c): the oldest refused charge its consumer will
    // ask again, whose bytes other charges leave free. `reserved` is 0 when there is none.
    pthread_mutex_t reserve_lock;
    const cmhd_request *reserver;
    _Atomic uint64_t reserved;
    uint64_t reserved_at_ns;
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
    // The query as sent (after the first '?', undecoded), copied before libmicrohttpd splits and
    // unescapes it in place; NULL when the target has no '?' (or the copy failed). Freed with the request.
    char *raw_query;
    void *exchange;  // the application's, from HEADERS to ENDED
    size_t address_share;
    cmhd_framing framing;
    bool has_length;    // Content-Length was sent (parsed once, in cmhd_framing.c)
    uint64_t content_length;
    bool chunked;       // Transfer-Encoding: chunked
    // A buffered body and its charge: its capacity while it arrives, length x `factor` once whole.
    uint64_t factor;
    uint64_t declared;  // Content-Length of an admitted body; 0 when chunked or absent
    uint8_t *body;
    size_t length;
    size_t capacity;
    uint64_t body_charge;
    uint64_t answer_charge;  // the queued answer, held until libmicrohttpd is done with it
    cmhd_body_state body_state;
    // A streamed body: the chunk offered in the CHUNK phase and what was taken of it; the
    // consumer's own charges.
    bool streamed;
    const uint8_t *chunk;
    size_t chunk_size;
    size_t taken;
    uint64_t received;
    uint64_t stream_max_body;  // a streamed body's limit (its consumer's, or max_body_bytes)
    _Atomic uint64_t stream_charge;
    // Pausing (cmhd_pause.c, under the server's pause_lock).
    bool suspended;
    bool wake;       // resumed while not suspended: do not stay paused
    bool resumed;    // resumed since the last call: the rate window restarts
    cmhd_request *paused_prev, *paused_next;
    // Slow-body detection while the body is read.
    bool reading_body;
    bool body_done;  // the final call was seen (the COMPLETE phase may come again for a stream)
    bool slow;
    bool closed_here;  // the shim's handler closed the connection (returned MHD_NO) after the headers
    bool answered;
    cmhd_rate rate;
    cmhd_close_reason close_reason;
    struct MHD_Response *response;
    unsigned int status;
};

// CLOCK_MONOTONIC in nanoseconds, for the rate rule (Swift keeps its own clock for durations).
uint64_t cmhd_now_ns(void);

// The budget's counters (cmhd_ledger.c).
size_t cmhd_address_share(struct MHD_Connection *connection);
// Adds `amount` to the request's charges unless a budget would pass its limit (`force` adds
// anyway). The bytes another request reserved count as charged. A refused charge that `waits`
// (its consumer pauses and asks again) takes the reservation when none is held.
bool cmhd_charge(cmhd_request *request, uint64_t amount, bool force, bool waits);
// The request ends: its reservation, if it holds it, with it.
void cmhd_unreserve(cmhd_request *request);
// Gives `*amount` back and zeroes it.
void cmhd_release(cmhd_request *request, uint64_t *amount);
// What is charged now, in all and to the request's address share.
uint64_t cmhd_charged_now(const cmhd_request *request, uint64_t *address_charged);

// The request as Swift reads and answers it (cmhd_request.c): the answer's charge.
void cmhd_drop_answer(cmhd_request *request);

// Body bytes (cmhd_body.c).
void cmhd_append_chunk(cmhd_request *request, const char *data, size_t size);
// The whole body is in: tops its charge up to length x factor, or drops it (CMHD_BODY_OVER_BUDGET).
void cmhd_finish_body(cmhd_request *request);
// Frees the body buffer and gives its charge back.
void cmhd_discard_body(cmhd_request *request);

// Pausing (cmhd_pause.c). Before offering anything: forget earlier wake-ups. After: suspend
// (false when the server is stopping: close instead). From any thread: wake it.
void cmhd_pause_arm(cmhd_request *request);
bool cmhd_pause(cmhd_request *request);
void cmhd_pause_wake(cmhd_request *request);
// Whether it was resumed since the last call (and forgets it): the server paused it.
bool cmhd_pause_take_resumed(cmhd_request *request);
// The request ends: take it off the paused list if it is there.
void cmhd_pause_forget(cmhd_request *request);
// Stopping: no more pauses; every paused request is resumed (its next call closes it).
void cmhd_pause_release_all(cmhd_server *server);

// Framing (cmhd_framing.c): the raw request target (URI log callback), then the header walk of
// the headers phase (which also parses Content-Length, once).
void cmhd_note_target(cmhd_request *request, const char *target);
cmhd_framing cmhd_check_framing(cmhd_request *request, const char *version);

// The phases (cmhd_phases.c), registered with the daemon by cmhd_daemon.c.
enum MHD_Result cmhd_access_handler(void *cls, struct MHD_Connection *connection, const char *url,
                                    const char *method, const char *version, const char *upload_data,
                                    size_t *upload_data_size, void **request_slot);
void *cmhd_log_request_line(void *cls, const char *uri, struct MHD_Connection *connection);
void cmhd_request_completed(void *cls, struct MHD_Connection *connection, void **request_slot,
                            enum MHD_RequestTerminationCode code);
void cmhd_connection_changed(void *cls, struct MHD_Connection *connection, void **socket_context,
                             enum MHD_ConnectionNotificationCode code);

#endif
