// The daemon: start (its options and callbacks), quiesce, stop (after resuming every paused
// connection). Calls cmhd_phases.c (the callbacks it registers) and cmhd_pause.c.
#include "cmhd_internal.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>


static bool resolve(const char *host, uint16_t port, struct sockaddr_storage *address, char *error,
                    size_t error_size) {
    struct addrinfo hints = {0};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo *found = NULL;
    int status = getaddrinfo(host, service, &hints, &found);
    if (status != 0 || found == NULL) {
        snprintf(error, error_size, "cannot resolve host '%s': %s", host ? host : "", gai_strerror(status));
        return false;
    }
    memcpy(address, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    return true;
}

static uint16_t listening_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_LISTEN_FD);
    if (info == NULL) return 0;
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    if (getsockname(info->listen_fd, (struct sockaddr *)&address, &length) != 0) return 0;
    if (address.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
    return ntohs(((struct sockaddr_in *)&address)->sin_port);
}

cmhd_server *cmhd_start(const cmhd_config *config, cmhd_handler handler, void *context, char *error,
                        size_t error_size) {
    struct sockaddr_storage address;
    const char *host = config->host ? config->host : "0.0.0.0";
    if (!resolve(host, config->port, &address, error, error_size)) return NULL;
    cmhd_server *server = calloc(1, sizeof *server);
    if (server == NULL) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    server->handler = handler;
    server->context = context;
    server->config = *config;
    server->config.host = NULL;  // the caller's string is not kept
    server->limits = (cmhd_limits){
        .max_body_bytes = config->max_body_bytes,
        .memory_budget = config->memory_budget,
        .memory_budget_per_address = config->memory_budget_per_address,
        .min_body_rate = config->min_body_rate,
        .max_body_gap = config->max_body_gap,
    };
    atomic_init(&server->charged, 0);
    atomic_init(&server->in_flight, 0);
    atomic_init(&server->paused, 0);
    atomic_init(&server->stopping, false);
    atomic_init(&server->quiesced, false);
    pthread_mutex_init(&server->pause_lock, NULL);
    pthread_mutex_init(&server->reserve_lock, NULL);
    atomic_init(&server->reserved, 0);
    if (config->memory_budget_per_address > 0) {
        server->address_charged = calloc(CMHD_ADDRESS_SHARES, sizeof *server->address_charged);
        if (server->address_charged == NULL) {
            snprintf(error, error_size, "out of memory");
            free(server);
            return NULL;
        }
    }

    // Poll with a thread pool: 0.9.75's epoll modes stall under load and leak aborted
    // connections (RELIABILITY.md). ITC makes MHD_quiesce_daemon and resuming possible;
    // suspend/resume pauses streamed bodies whose consumer is behind (cmhd_pause.c).
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    if (address.ss_family == AF_INET6) flags |= MHD_USE_IPv6;

    // cmhd_framing.c reads the header section's layout only from the version it was measured on.
    server->layout_trusted = strcmp(MHD_get_version(), "0.9.75") == 0;

    struct MHD_OptionItem options[12];
    size_t count = 0;
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &address};
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)cmhd_request_completed, server};
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)cmhd_log_request_line, server};
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)cmhd_connection_changed, NULL};
    if (config->threads > 1) {
        options[count++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, config->threads, NULL};
    }
    if (config->connection_limit > 0) {
        options[count++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, config->connection_limit, NULL};
    }
    if (config->per_ip_connection_limit > 0) {
        options[count++] =
            (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, config->per_ip_connection_limit, NULL};
    }
    if (config->connection_timeout > 0) {
        options[count++] =
            (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, config->connection_timeout, NULL};
    }
    options[count++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

    server->daemon = MHD_start_daemon(flags, 0, NULL, NULL, cmhd_access_handler, server, MHD_OPTION_ARRAY, options,
                                      MHD_OPTION_END);
    if (server->daemon == NULL) {
        snprintf(error, error_size, "cannot listen on %s:%u (address in use, or not permitted)", host,
                 (unsigned)config->port);
        pthread_mutex_destroy(&server->pause_lock);
        pthread_mutex_destroy(&server->reserve_lock);
        free(server->address_charged);
        free(server);
        return NULL;
    }
    server->port = listening_port(server->daemon);
    return server;
}

uint16_t cmhd_bound_port(const cmhd_server *server) { return server->port; }

void cmhd_quiesce(cmhd_server *server) {
    atomic_store(&server->quiesced, true);
    MHD_socket listener = MHD_quiesce_daemon(server->daemon);
    if (listener != MHD_INVALID_SOCKET) close(listener);
}

unsigned int cmhd_requests_in_flight(const cmhd_server *server) {
    return atomic_load(&((cmhd_server *)server)->in_flight);
}

void cmhd_stop(cmhd_server *server) {
    // MHD_stop_daemon aborts the process while a connection is suspended: every paused request
    // is resumed first (and closed at its next call); the daemon takes pending resumes before
    // its check. Their ENDED phases run as the daemon closes them.
    cmhd_pause_release_all(server);
    MHD_stop_daemon(server->daemon);
    pthread_mutex_destroy(&server->pause_lock);
    pthread_mutex_destroy(&server->reserve_lock);
    free(server->address_charged);
    free(server);
}
