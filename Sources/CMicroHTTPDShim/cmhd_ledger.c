// The memory budget's counters: one atomic total for the server and, when configured, one per
// share of client addresses, and the one reservation a waiting stream may hold. Charges never
// wait: they fit now or are refused. Calls only cmhd_policy.c.
#include "cmhd_internal.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

uint64_t cmhd_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static _Atomic uint64_t *share_of(const cmhd_request *request) {
    cmhd_server *server = request->server;
    return server->address_charged ? &server->address_charged[request->address_share] : NULL;
}

// A reservation not asked for again within this time lapses (its consumer asks every few
// milliseconds while it waits, and at each of its batches' ends).
static const uint64_t reservation_lapse_ns = 1000000000u;

// The bytes reserved by another request than `request` (0 when none, or when it lapsed).
static uint64_t reserved_for_others(const cmhd_request *request) {
    cmhd_server *server = request->server;
    if (atomic_load(&server->reserved) == 0) return 0;  // the common case takes no lock
    pthread_mutex_lock(&server->reserve_lock);
    uint64_t kept = atomic_load(&server->reserved);
    if (kept > 0 && cmhd_now_ns() - server->reserved_at_ns > reservation_lapse_ns) {
        atomic_store(&server->reserved, 0);
        server->reserver = NULL;
        kept = 0;
    }
    if (server->reserver == request) kept = 0;
    pthread_mutex_unlock(&server->reserve_lock);
    return kept;
}

// A waiting charge fitted (`fitted`: its reservation, if it held it, ends) or was refused (it
// takes the reservation when none is held, or renews its own: at most a quarter of the budget).
// A charge larger than the whole budget never fits and reserves nothing.
static void note_waiting(const cmhd_request *request, uint64_t amount, bool fitted) {
    cmhd_server *server = request->server;
    if (fitted && atomic_load(&server->reserved) == 0) return;  // the common case takes no lock
    if (!fitted && amount > server->config.memory_budget) return;
    pthread_mutex_lock(&server->reserve_lock);
    if (fitted) {
        if (server->reserver == request) {
            atomic_store(&server->reserved, 0);
            server->reserver = NULL;
        }
    } else if (server->reserver == request || atomic_load(&server->reserved) == 0) {
        // At most a quarter of the budget is kept: a waiter needing more must still find the
        // rest free on its own, and other requests always have three quarters to use.
        uint64_t quarter = server->config.memory_budget / 4;
        server->reserver = request;
        server->reserved_at_ns = cmhd_now_ns();
        atomic_store(&server->reserved, amount < quarter ? amount : (quarter > 0 ? quarter : 1));
    }
    pthread_mutex_unlock(&server->reserve_lock);
}

bool cmhd_charge(cmhd_request *request, uint64_t amount, bool force, bool waits) {
    cmhd_server *server = request->server;
    uint64_t budget = server->config.memory_budget;
    uint64_t kept = force || budget == 0 ? 0 : reserved_for_others(request);
    uint64_t total = atomic_fetch_add(&server->charged, amount) + amount;
    bool fits_total = budget == 0 || total + kept <= budget;
    bool fits = fits_total;
    _Atomic uint64_t *share = share_of(request);
    if (share != NULL) {
        uint64_t mine = atomic_fetch_add(share, amount) + amount;
        fits = fits && mine <= server->config.memory_budget_per_address;
        if (!fits && !force) atomic_fetch_sub(share, amount);
    }
    if (!fits && !force) atomic_fetch_sub(&server->charged, amount);
    // Only the whole budget is reserved for: a charge over its address's share waits for
    // that address's own charges to end.
    if (waits && budget > 0 && (fits || !fits_total)) note_waiting(request, amount, fits);
    return fits || force;
}

void cmhd_unreserve(cmhd_request *request) { note_waiting(request, 0, true); }

void cmhd_release(cmhd_request *request, uint64_t *amount) {
    atomic_fetch_sub(&request->server->charged, *amount);
    _Atomic uint64_t *share = share_of(request);
    if (share != NULL) atomic_fetch_sub(share, *amount);
    *amount = 0;
}

uint64_t cmhd_charged_now(const cmhd_request *request, uint64_t *address_charged) {
    _Atomic uint64_t *share = share_of(request);
    *address_charged = share == NULL ? 0 : atomic_load(share);
    return atomic_load(&request->server->charged) + reserved_for_others(request);
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
