/*
 * The least a libmicrohttpd server can do for POST /system/whoami: the benchmarks' second floor, beside
 * nginx (scripts/bench-server.sh compiles and runs it; not part of the package).
 *
 * The daemon is started with dx-mock-server's flags (an internal polling thread with epoll and
 * MHD_USE_TURBO, suspend/resume, an inter-thread channel) and its API port's connection memory limit,
 * and answers every request with one shared response: the status, dx-mock-server's fields
 * (Content-Type, X-Request-ID, X-Content-Type-Options; libmicrohttpd adds Date and Content-Length) and
 * the body {"id":"user-alice"}. No authentication, routing, journal or fault rules: the difference
 * between this server and dx-mock-server is what the mock's own code costs per request.
 *
 *   mhd-floor THREADS MEMORY_LIMIT PORT_FILE
 * writes the bound port (127.0.0.1, picked by the system) to PORT_FILE and serves until SIGTERM/SIGINT.
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

static const char body[] = "{\"id\":\"user-alice\"}";
static struct MHD_Response *response;
static volatile sig_atomic_t stopping;

static void on_signal(int signal_number) {
  (void)signal_number;
  stopping = 1;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_size, void **request_state) {
  (void)cls, (void)url, (void)method, (void)version, (void)upload_data;
  static int started;
  if (*request_state == NULL) { /* the head: wait for the body */
    *request_state = &started;
    return MHD_YES;
  }
  if (*upload_size != 0) { /* a body chunk: read and dropped */
    *upload_size = 0;
    return MHD_YES;
  }
  return MHD_queue_response(connection, 200, response);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: mhd-floor THREADS MEMORY_LIMIT PORT_FILE\n");
    return 2;
  }
  unsigned threads = (unsigned)strtoul(argv[1], NULL, 10);
  size_t memory_limit = (size_t)strtoul(argv[2], NULL, 10);
  response = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
  if (response == NULL || MHD_add_response_header(response, "Content-Type", "application/json") != MHD_YES
      || MHD_add_response_header(response, "X-Request-ID", "1796367034496-1") != MHD_YES
      || MHD_add_response_header(response, "X-Content-Type-Options", "nosniff") != MHD_YES) {
    fprintf(stderr, "mhd-floor: cannot build the response\n");
    return 1;
  }
  struct sockaddr_in address;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO
                   | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;
  struct MHD_Daemon *daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, answer, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
      MHD_OPTION_THREAD_POOL_SIZE, threads > 1 ? threads : 0, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      memory_limit, MHD_OPTION_END);
  if (daemon == NULL) {
    fprintf(stderr, "mhd-floor: libmicrohttpd did not start\n");
    return 1;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  FILE *port_file = fopen(argv[3], "w");
  if (info == NULL || port_file == NULL || fprintf(port_file, "%u\n", info->port) < 0 || fclose(port_file) != 0) {
    fprintf(stderr, "mhd-floor: cannot write the port file %s\n", argv[3]);
    MHD_stop_daemon(daemon);
    return 1;
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  sigset_t none;
  sigemptyset(&none);
  while (!stopping) sigsuspend(&none);
  MHD_stop_daemon(daemon);
  MHD_destroy_response(response);
  return 0;
}
