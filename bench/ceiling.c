// The physical ceiling of our HTTP stack: a bare libmicrohttpd server with the service's
// threading options (internal polling threads with poll(), a pool of THREADS) that reads the
// whole POST body and answers a canned JSON body. No JSON, no maths.
// Build: cc -O2 -o ceiling ceiling.c $(pkg-config --cflags --libs libmicrohttpd)
// Run:   ./ceiling PORT THREADS
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char ANSWER[] =
    "{\"loss\":0.5145731728297583,\"sum\":0.5145731728297583,\"base\":2,\"unit\":\"bits\",\"n\":1,"
    "\"classes\":3,\"band\":\"moderate\",\"losses\":[0.5145731728297583],\"bands\":[\"moderate\"]}";

struct body {
    char *data;
    size_t length;
};

static enum MHD_Result handle(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size,
                              void **slot) {
    (void)cls, (void)url, (void)method, (void)version;
    struct body *body = *slot;
    if (body == NULL) {
        *slot = calloc(1, sizeof *body);
        return *slot ? MHD_YES : MHD_NO;
    }
    if (*upload_data_size > 0) {  // keep the body, as the service does
        char *grown = realloc(body->data, body->length + *upload_data_size);
        if (grown == NULL) return MHD_NO;
        memcpy(grown + body->length, upload_data, *upload_data_size);
        body->data = grown;
        body->length += *upload_data_size;
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct MHD_Response *response =
        MHD_create_response_from_buffer(sizeof ANSWER - 1, (void *)ANSWER, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(response, "Content-Type", "application/json");
    enum MHD_Result result = MHD_queue_response(connection, 200, response);
    MHD_destroy_response(response);
    return result;
}

static void completed(void *cls, struct MHD_Connection *connection, void **slot, enum MHD_RequestTerminationCode code) {
    (void)cls, (void)connection, (void)code;
    struct body *body = *slot;
    if (body) free(body->data);
    free(body);
    *slot = NULL;
}

int main(int argc, char **argv) {
    unsigned port = argc > 1 ? (unsigned)atoi(argv[1]) : 8081;
    unsigned threads = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC, (uint16_t)port, NULL, NULL, handle, NULL,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_NOTIFY_COMPLETED,
        completed, NULL, MHD_OPTION_END);
    if (daemon == NULL) return 1;
    printf("listening on http://127.0.0.1:%u\n", port);
    fflush(stdout);
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    int received;
    sigwait(&signals, &received);
    MHD_stop_daemon(daemon);
    return 0;
}
