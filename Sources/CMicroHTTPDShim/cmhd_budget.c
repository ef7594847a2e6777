// The memory budget: one atomic total for the server and, when configured, one per share of
// client addresses. Charges never wait: they fit now or are refused. A body is charged as it
// is used (cmhd_body.c): nothing at its headers, its buffer as it grows, its decoding once whole.
#include "cmhd_internal.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>

static _Atomic uint64_t *share_of(const cmhd_request *request) {
    cmhd_server *server = request->server;
    return server->address_charged ? &server->address_charged[request->address_share] : NULL;
}

// Adds `amount` to the request's charges unless a budget would pass its limit (`force` adds anyway).
bool cmhd_charge(cmhd_request *request, uint64_t amount, bool force) {
    cmhd_server *server = request->server;
    uint64_t total = atomic_fetch_add(&server->charged, amount) + amount;
    bool fits = server->config.memory_budget == 0 || total <= server->config.memory_budget;
    _Atomic uint64_t *share = share_of(request);
    if (share != NULL) {
        uint64_t mine = atomic_fetch_add(share, amount) + amount;
        fits = fits && mine <= server->config.memory_budget_per_address;
        if (!fits && !force) atomic_fetch_sub(share, amount);
    }
    if (!fits && !force) atomic_fetch_sub(&server->charged, amount);
    return fits || force;
}

void cmhd_release(cmhd_request *request, uint64_t *amount) {
    atomic_fetch_sub(&request->server->charged, *amount);
    _Atomic uint64_t *share = share_of(request);
    if (share != NULL) atomic_fetch_sub(share, *amount);
    *amount = 0;
}

void cmhd_discard_body(cmhd_request *request) {
    free(request->body);
    request->body = NULL;
    request->length = 0;
    request->capacity = 0;
    cmhd_release(request, &request->body_charge);
}

// Grows the body's charge to `amount` bytes; false when the budget cannot take it.
bool cmhd_charge_body(cmhd_request *request, uint64_t amount) {
    if (amount <= request->body_charge) return true;
    if (!cmhd_charge(request, amount - request->body_charge, false)) return false;
    request->body_charge = amount;
    return true;
}

// Whether a charge could ever fit, on an idle server.
static bool could_fit(const cmhd_server *server, uint64_t amount) {
    const cmhd_config *config = &server->config;
    if (config->memory_budget != 0 && amount > config->memory_budget) return false;
    return config->memory_budget_per_address == 0 || amount <= config->memory_budget_per_address;
}

// Whether `amount` more fits under `limit` (0: none) beside `charged` (which answers may push past it).
static bool fits_beside(uint64_t charged, uint64_t amount, uint64_t limit) {
    return limit == 0 || (charged <= limit && amount <= limit - charged);
}

// Whether a charge would fit now: a comparison, nothing is taken.
static bool fits_now(cmhd_request *request, uint64_t amount) {
    cmhd_server *server = request->server;
    if (!fits_beside(atomic_load(&server->charged), amount, server->config.memory_budget)) return false;
    _Atomic uint64_t *share = share_of(request);
    return share == NULL || fits_beside(atomic_load(share), amount, server->config.memory_budget_per_address);
}

static bool expects_continue(const cmhd_request *request) {
    const char *expect = cmhd_request_header(request, MHD_HTTP_HEADER_EXPECT);
    return expect != NULL && strcasecmp(expect, "100-continue") == 0;
}

cmhd_admission cmhd_request_admit(cmhd_request *request, uint64_t factor) {
    cmhd_server *server = request->server;
    request->factor = factor == 0 ? 1 : factor;
    bool chunked = request->chunked;
    uint64_t length = request->has_length ? request->content_length : 0;
    if (length > server->config.max_body_bytes) {
        request->body_state = CMHD_BODY_TOO_LARGE;  // dropped as it arrives; 413 at its end
    } else if (length > 0) {
        uint64_t amount;
        if (__builtin_mul_overflow(length, request->factor, &amount) || !could_fit(server, amount)) {
            return CMHD_NEVER_FITS;
        }
        // A client that waits for 100 Continue can be told now, before it sends anything; the
        // budget is compared, not reserved (a reservation is what a silent client would hold).
        if (expects_continue(request) && !fits_now(request, amount)) return CMHD_OVER_BUDGET;
        request->declared = length;
    }
    if (length > 0 || chunked) {
        request->reading_body = true;
        request->window_start_ns = request->last_chunk_ns = cmhd_now_ns();
        if (server->config.max_body_gap > 0) {
            MHD_set_connection_option(request->connection, MHD_CONNECTION_OPTION_TIMEOUT,
                                      server->config.max_body_gap);
        }
    }
    return CMHD_ADMITTED;
}

size_t cmhd_address_share(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return 0;
    const unsigned char *bytes = NULL;
    size_t count = 0;
    if (info->client_addr->sa_family == AF_INET6) {
        bytes = (const unsigned char *)&((const struct sockaddr_in6 *)info->client_addr)->sin6_addr;
        count = 16;
    } else {
        bytes = (const unsigned char *)&((const struct sockaddr_in *)info->client_addr)->sin_addr;
        count = 4;
    }
    uint64_t hash = 1469598103934665603u;  // FNV-1a
    for (size_t i = 0; i < count; i++) hash = (hash ^ bytes[i]) * 1099511628211u;
    return (size_t)(hash % CMHD_ADDRESS_SHARES);
}

uint64_t cmhd_memory_charged(const cmhd_server *server) { return atomic_load(&((cmhd_server *)server)->charged); }
