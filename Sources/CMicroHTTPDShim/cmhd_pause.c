// Pausing a connection whose consumer is behind, without a thread waiting: libmicrohttpd's
// suspend/resume. Suspending happens on the connection's own thread (inside the access handler);
// a wake-up may come from any thread, before or after it. Every paused request is on the
// server's list, so that stopping can resume every one first (MHD_stop_daemon aborts the process
// while a connection is suspended, and suspended connections never time out). Calls only
// libmicrohttpd.
#include "cmhd_internal.h"

static void link_paused(cmhd_request *request) {
    cmhd_server *server = request->server;
    request->paused_prev = NULL;
    request->paused_next = server->paused_head;
    if (server->paused_head != NULL) server->paused_head->paused_prev = request;
    server->paused_head = request;
    atomic_fetch_add(&server->paused, 1);
}

static void unlink_paused(cmhd_request *request) {
    cmhd_server *server = request->server;
    if (request->paused_prev != NULL) request->paused_prev->paused_next = request->paused_next;
    else server->paused_head = request->paused_next;
    if (request->paused_next != NULL) request->paused_next->paused_prev = request->paused_prev;
    request->paused_prev = request->paused_next = NULL;
    atomic_fetch_sub(&server->paused, 1);
}

// Under pause_lock: resume a suspended request, or remember the wake-up for one about to be.
static void wake_locked(cmhd_request *request) {
    if (!request->suspended) {
        request->wake = true;
        return;
    }
    request->suspended = false;
    request->resumed = true;
    unlink_paused(request);
    MHD_resume_connection(request->connection);
}

void cmhd_pause_arm(cmhd_request *request) {
    pthread_mutex_lock(&request->server->pause_lock);
    request->wake = false;
    pthread_mutex_unlock(&request->server->pause_lock);
}

bool cmhd_pause(cmhd_request *request) {
    cmhd_server *server = request->server;
    pthread_mutex_lock(&server->pause_lock);
    if (server->stopping) {
        pthread_mutex_unlock(&server->pause_lock);
        return false;
    }
    MHD_suspend_connection(request->connection);
    request->suspended = true;
    link_paused(request);
    // Woken while the chunk was offered: suspend and resume at once, so that libmicrohttpd calls
    // again even if no more bytes arrive.
    if (request->wake) {
        request->wake = false;
        wake_locked(request);
    }
    pthread_mutex_unlock(&server->pause_lock);
    return true;
}

void cmhd_pause_wake(cmhd_request *request) {
    pthread_mutex_lock(&request->server->pause_lock);
    wake_locked(request);
    pthread_mutex_unlock(&request->server->pause_lock);
}

bool cmhd_pause_take_resumed(cmhd_request *request) {
    pthread_mutex_lock(&request->server->pause_lock);
    bool resumed = request->resumed;
    request->resumed = false;
    pthread_mutex_unlock(&request->server->pause_lock);
    return resumed;
}

void cmhd_pause_forget(cmhd_request *request) {
    pthread_mutex_lock(&request->server->pause_lock);
    if (request->suspended) {
        request->suspended = false;
        unlink_paused(request);
    }
    pthread_mutex_unlock(&request->server->pause_lock);
}

void cmhd_pause_release_all(cmhd_server *server) {
    pthread_mutex_lock(&server->pause_lock);
    server->stopping = true;
    while (server->paused_head != NULL) wake_locked(server->paused_head);
    pthread_mutex_unlock(&server->pause_lock);
}

unsigned int cmhd_requests_paused(const cmhd_server *server) {
    return atomic_load(&((cmhd_server *)server)->paused);
}
