#ifndef DXKIT_CMICROHTTPD_SHIM_H
#define DXKIT_CMICROHTTPD_SHIM_H

// microhttpd.h expects these to be included first.
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

// Only what Swift cannot call or see is wrapped here: variadic functions and cast macros.

// MHD_start_daemon is variadic (options as a va_list). DXKit always passes the same option set:
// an explicit bind address (MHD_OPTION_SOCK_ADDR; a bare port would bind every interface), the
// thread pool, the request-completed, connection-notification and URI-log callbacks, the connection
// limit, memory and timeout limits; and, when both PEM texts are given, HTTPS (MHD_USE_TLS, GnuTLS)
// with that key and certificate held in memory (the auth server's port: dx reaches it with https).
static inline struct MHD_Daemon *dx_mhd_start_daemon(
    unsigned int flags, const struct sockaddr *address, unsigned int thread_pool_size,
    MHD_AccessHandlerCallback handler, void *handler_cls, MHD_RequestCompletedCallback completed,
    void *completed_cls, MHD_NotifyConnectionCallback notify, void *notify_cls,
    void *(*uri_log)(void *cls, const char *uri, struct MHD_Connection *connection), void *uri_log_cls,
    unsigned int connection_limit, size_t connection_memory_limit, unsigned int connection_timeout,
    unsigned int listen_backlog, const char *tls_key_pem, const char *tls_cert_pem) {
  int use_tls = tls_key_pem != NULL && tls_cert_pem != NULL;
  struct MHD_OptionItem tls[] = {
      {use_tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, (void *)tls_key_pem},
      {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)tls_cert_pem},
      {MHD_OPTION_END, 0, NULL}};
  // A pool of one thread is passed as 0: libmicrohttpd rejects a pool size of 1.
  return MHD_start_daemon(flags | (use_tls ? MHD_USE_TLS : 0), 0, NULL, NULL, handler, handler_cls,
                          MHD_OPTION_SOCK_ADDR, address,
                          MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size > 1 ? thread_pool_size : 0,
                          MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                          MHD_OPTION_NOTIFY_CONNECTION, notify, notify_cls,
                          MHD_OPTION_URI_LOG_CALLBACK, uri_log, uri_log_cls,
                          MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                          MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
                          MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout,
                          MHD_OPTION_LISTEN_BACKLOG_SIZE, listen_backlog,
                          MHD_OPTION_ARRAY, tls,
                          MHD_OPTION_END);
}

// MHD_get_daemon_info is variadic; returns the bound port (0 when unavailable).
static inline uint16_t dx_mhd_daemon_bind_port(struct MHD_Daemon *daemon) {
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  return info == NULL ? 0 : info->port;
}

// MHD_get_connection_info is variadic; returns the connection's socket (-1 when unavailable).
static inline int dx_mhd_connection_fd(struct MHD_Connection *connection) {
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  return info == NULL ? -1 : info->connect_fd;
}

// MHD_get_connection_info is variadic; returns the peer's address (NULL when unavailable).
static inline const struct sockaddr *dx_mhd_connection_client_address(
    struct MHD_Connection *connection) {
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  return info == NULL ? NULL : info->client_addr;
}

// MHD_get_connection_info is variadic; returns the connection's socket context (what the
// connection-notification callback stored; NULL when unavailable).
static inline void *dx_mhd_connection_socket_context(struct MHD_Connection *connection) {
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info == NULL ? NULL : info->socket_context;
}

// MHD_set_response_options is variadic; sets one flag set with no extra options.
static inline enum MHD_Result dx_mhd_set_response_flags(struct MHD_Response *response,
                                                        enum MHD_ResponseFlags flags) {
  return MHD_set_response_options(response, flags, MHD_RO_END);
}

// MHD_upgrade_action is variadic; closes an upgraded connection's socket (the application must not
// close() it itself).
static inline enum MHD_Result dx_mhd_upgrade_close(struct MHD_UpgradeResponseHandle *urh) {
  return MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
}

// MHD_SIZE_UNKNOWN is defined as ((uint64_t) -1LL) on this version, a macro Swift does not import.
static inline uint64_t dx_mhd_size_unknown(void) { return MHD_SIZE_UNKNOWN; }

#endif
