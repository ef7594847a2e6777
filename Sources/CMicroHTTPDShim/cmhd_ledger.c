// The memory budget's counters: one atomic total for the server and, when configured, one per
// share of client addresses. Charges never wait: they fit now or are refused. Calls only
// cmhd_policy.c.
#include "cmhd_internal.h"

#include <netinet/in.h>
#include <sys/socket.h>

static _Atomic uint64_t *share_of(const cmhd_request *request) {
    cmhd_server *server = request->server;
    return server->address_charged ? &server->address_charged[request->address_share] : NULL;
}

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

uint64_t cmhd_charged_now(const cmhd_request *request, uint64_t *address_charged) {
    _Atomic uint64_t *share = share_of(request);
    *address_charged = share == NULL ? 0 : atomic_load(share);
    return atomic_load(&request->server->charged);
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
