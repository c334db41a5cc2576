/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-server"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <string.h>
#include <glib-unix.h>

#include "vz-server.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
raise_descriptor_limit (void)
{
  struct rlimit limit;

  /* Every connected screen holds a socket; the usual soft limit of 1024
   * would cap the fleet long before the server is busy. */
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static gboolean
parse_listen (const char  *text,
              char       **host,
              guint       *port,
              GError     **error)
{
  const char *colon;
  guint64 value;

  /* [v6::addr]:port, host:port, or just a port. */
  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL || close[1] != ':')
        goto bad;
      *host = g_strndup (text + 1, close - text - 1);
      colon = close + 1;
    }
  else if ((colon = strrchr (text, ':')) != NULL)
    *host = g_strndup (text, colon - text);
  else
    {
      *host = g_strdup ("127.0.0.1");
      colon = text - 1;
    }

  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT16, &value, NULL) || **host == '\0')
    {
      g_clear_pointer (host, g_free);
      goto bad;
    }
  *port = (guint) value;
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--listen wants HOST:PORT (for example 127.0.0.1:3000), not “%s”", text);
  return FALSE;
}

/* The password from the file's first line (without its line end), or from
 * VIZORA_ADMIN_PASSWORD; neither ever shows in the process list. */
static gboolean
read_admin_password (const char  *file,
                     char       **password,
                     GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  const char *from_env;

  if (file == NULL)
    {
      from_env = g_getenv ("VIZORA_ADMIN_PASSWORD");
      if (from_env != NULL && *from_env != '\0')
        *password = g_strdup (from_env);
      /* Not passed on to anything this process starts. */
      g_unsetenv ("VIZORA_ADMIN_PASSWORD");
      return TRUE;
    }

  if (!g_file_get_contents (file, &contents, &length, error))
    return FALSE;
  contents[strcspn (contents, "\r\n")] = '\0';
  if (*contents == '\0')
    {
      explicit_bzero (contents, length);
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "the first line of %s should be the administrator password, but it is empty", file);
      return FALSE;
    }
  *password = g_strdup (contents);
  explicit_bzero (contents, length);
  return TRUE;
}

/* "ACCOUNT,CLIENT,FIRST_MS": free failures per account and per client, and
 * the first wait after them. */
static gboolean
parse_sign_in_limits (const char  *text,
                      guint        limits[3],
                      GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  const guint64 max[3] = { 1000, 1000, 15 * 60 * 1000 };

  for (guint i = 0; i < 3; i++)
    {
      guint64 value;

      if (g_strv_length (parts) != 3 ||
          !g_ascii_string_to_unsigned (parts[i], 10, 1, max[i], &value, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--sign-in-limits wants ACCOUNT,CLIENT,FIRST_MS (for example 10,20,1000), not “%s”", text);
          return FALSE;
        }
      limits[i] = (guint) value;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dir = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *admin_email = NULL;
  g_autofree char *admin_password = NULL;
  g_autofree char *admin_password_file = NULL;
  g_autofree char *host = NULL;
  g_autofree char *fault_file = NULL;
  g_autofree char *clock_file = NULL;
  g_autofree char *sign_in_limits = NULL;
  guint limits[3] = { VZ_SERVER_DEFAULT_SIGN_IN_ACCOUNT_FREE, VZ_SERVER_DEFAULT_SIGN_IN_CLIENT_FREE,
                      VZ_SERVER_DEFAULT_SIGN_IN_FIRST_DELAY_MS };
  int pairing_rate = VZ_SERVER_DEFAULT_PAIRING_RATE;
  int connect_rate = VZ_SERVER_DEFAULT_CONNECT_RATE;
  int access_ttl = VZ_SERVER_DEFAULT_ACCESS_TOKEN_TTL;
  int max_displays = VZ_SERVER_DEFAULT_MAX_DISPLAYS;
  int offline_timeout = VZ_SERVER_DEFAULT_OFFLINE_TIMEOUT;
  int header_timeout = VZ_SERVER_DEFAULT_HEADER_TIMEOUT;
  int request_timeout = VZ_SERVER_DEFAULT_REQUEST_TIMEOUT;
  int max_connections = 0;
  int max_per_address = VZ_SERVER_DEFAULT_MAX_PER_ADDRESS;
  int max_per_loopback = VZ_SERVER_DEFAULT_MAX_PER_LOOPBACK;
  int ping_interval = VZ_SERVER_DEFAULT_PING_INTERVAL;
  int heartbeat_interval = VZ_SERVER_DEFAULT_HEARTBEAT_INTERVAL;
  int ping_timeout = VZ_SERVER_DEFAULT_PING_TIMEOUT;
  int connect_timeout = VZ_SERVER_DEFAULT_CONNECT_TIMEOUT;
  guint port = VZ_SERVER_DEFAULT_PORT;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  const GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Where the database and media live", "DIR" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Address to listen on (port 0 picks a free one)", "HOST:PORT" },
    { "admin-email", 0, 0, G_OPTION_ARG_STRING, &admin_email, "Administrator to create or update", "EMAIL" },
    { "admin-password-file", 0, 0, G_OPTION_ARG_FILENAME, &admin_password_file,
      "Administrator password: the first line of FILE (or set VIZORA_ADMIN_PASSWORD)", "FILE" },
    { "admin-password", 0, 0, G_OPTION_ARG_STRING, &admin_password,
      "Administrator password (shows in the process list: prefer --admin-password-file)", "PASSWORD" },
    { "access-token-ttl", 0, 0, G_OPTION_ARG_INT, &access_ttl, "Access token lifetime (default 900)", "SECONDS" },
    { "max-displays", 0, 0, G_OPTION_ARG_INT, &max_displays, "Screens allowed per organization", "N" },
    { "offline-timeout", 0, 0, G_OPTION_ARG_INT, &offline_timeout,
      "Seconds without a heartbeat before a screen counts as offline (default 120)", "SECONDS" },
    { "sign-in-limits", 0, 0, G_OPTION_ARG_STRING, &sign_in_limits,
      "Failed sign-ins allowed per account and per client before each attempt waits, and the first wait "
      "(it doubles with every further failure; default 10,20,1000)", "ACCOUNT,CLIENT,FIRST_MS" },
    { "pairing-rate", 0, 0, G_OPTION_ARG_INT, &pairing_rate,
      "Public pairing requests allowed per minute per client (default 60)", "N" },
    { "connect-rate", 0, 0, G_OPTION_ARG_INT, &connect_rate,
      "Realtime connects allowed per minute with one token (default 10, as the platform)", "N" },
    { "fault-file", 0, 0, G_OPTION_ARG_FILENAME, &fault_file,
      "Testing aid, off by default: while FILE exists and says “503 N”, “500 N”, “drop N” or “slow N”, "
      "the next N API requests (not /health; with a method after N, only those) fail that way "
      "(slow: answered at once, sent a second late); FILE is removed once read", "FILE" },
    { "clock-file", 0, 0, G_OPTION_ARG_FILENAME, &clock_file,
      "Testing aid, off by default, only on a loopback address: the server's clock runs the "
      "number of milliseconds FILE holds ahead of the real one", "FILE" },
    { "header-timeout", 0, 0, G_OPTION_ARG_INT, &header_timeout,
      "Seconds a connection gets to send its request headers (default 10)", "SECONDS" },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &request_timeout,
      "Seconds for a request body once the headers are in, and for taking the answer (default 60)", "SECONDS" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections,
      "Open connections in all (default 0: the descriptor limit less a reserve)", "N" },
    { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &max_per_address,
      "Open connections from one remote client address (default 1024; 0: no cap)", "N" },
    { "max-connections-per-loopback-address", 0, 0, G_OPTION_ARG_INT, &max_per_loopback,
      "Open connections from one loopback address, such as a simulator on this computer "
      "(default 16384; 0: no cap)", "N" },
    { "heartbeat-interval", 0, 0, G_OPTION_ARG_INT, &heartbeat_interval,
      "Seconds between a screen’s heartbeats, as the server asks them (default 15, at most 120)", "SECONDS" },
    { "ping-interval", 0, 0, G_OPTION_ARG_INT, &ping_interval,
      "Seconds between realtime pings (default 25)", "SECONDS" },
    { "ping-timeout", 0, 0, G_OPTION_ARG_INT, &ping_timeout,
      "Seconds a realtime peer gets to answer a ping (default 20)", "SECONDS" },
    { "connect-timeout", 0, 0, G_OPTION_ARG_INT, &connect_timeout,
      "Seconds a new realtime session gets to sign in (default 10)", "SECONDS" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  raise_descriptor_limit ();
  /* A dashboard hanging up mid-answer must not kill the server. */
  signal (SIGPIPE, SIG_IGN);

  context = g_option_context_new ("— the Vizora local fleet server");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vizora-server: %s\n", error->message);
      return 2;
    }
  if (admin_password != NULL && admin_password_file != NULL)
    {
      g_printerr ("vizora-server: give --admin-password or --admin-password-file, not both\n");
      return 2;
    }
  if (admin_password == NULL && !read_admin_password (admin_password_file, &admin_password, &error))
    {
      g_printerr ("vizora-server: %s\n", error->message);
      return 2;
    }
  if ((admin_password != NULL) && admin_email == NULL)
    {
      g_printerr ("vizora-server: an administrator password (--admin-password, --admin-password-file "
                  "or VIZORA_ADMIN_PASSWORD) needs --admin-email\n");
      return 2;
    }
  if (access_ttl < 1 || max_displays < 0 || offline_timeout < 1 || offline_timeout > 24 * 3600)
    {
      g_printerr ("vizora-server: --access-token-ttl and --offline-timeout must be positive, "
                  "--max-displays not negative\n");
      return 2;
    }
  if (header_timeout < 1 || header_timeout > 3600 || request_timeout < 1 || request_timeout > 3600 ||
      ping_interval < 1 || ping_interval > 3600 || ping_timeout < 1 || ping_timeout > 3600 ||
      connect_timeout < 1 || connect_timeout > 3600 || heartbeat_interval < 1 || heartbeat_interval > 120)
    {
      g_printerr ("vizora-server: the timeouts must be 1 to 3600 seconds, the heartbeat interval 1 to 120\n");
      return 2;
    }
  if (max_connections < 0 || max_per_address < 0 || max_per_loopback < 0)
    {
      g_printerr ("vizora-server: --max-connections and the per-address caps must not be negative\n");
      return 2;
    }
  if (sign_in_limits != NULL && !parse_sign_in_limits (sign_in_limits, limits, &error))
    {
      g_printerr ("vizora-server: %s\n", error->message);
      return 2;
    }
  if (pairing_rate < 1 || connect_rate < 1 || connect_rate > 100000)
    {
      g_printerr ("vizora-server: --pairing-rate and --connect-rate must be positive (--connect-rate at most 100000)\n");
      return 2;
    }
  if (listen != NULL && !parse_listen (listen, &host, &port, &error))
    {
      g_printerr ("vizora-server: %s\n", error->message);
      return 2;
    }
  if (data_dir == NULL)
    data_dir = g_build_filename (g_get_user_data_dir (), "vizora-server", NULL);

  server = g_object_new (VZ_TYPE_SERVER,
                         "data-dir", data_dir,
                         "listen-host", host != NULL ? host : "127.0.0.1",
                         "listen-port", port,
                         "admin-email", admin_email,
                         "admin-password", admin_password,
                         "access-token-ttl", (guint) access_ttl,
                         "max-displays", (guint) max_displays,
                         "offline-timeout", (guint) offline_timeout,
                         "fault-file", fault_file,
                         "clock-file", clock_file,
                         "header-timeout", (guint) header_timeout,
                         "request-timeout", (guint) request_timeout,
                         "max-connections", (guint) max_connections,
                         "max-connections-per-address", (guint) max_per_address,
                         "max-connections-per-loopback-address", (guint) max_per_loopback,
                         "ping-interval", (guint) ping_interval,
                         "heartbeat-interval", (guint) heartbeat_interval,
                         "ping-timeout", (guint) ping_timeout,
                         "connect-timeout", (guint) connect_timeout,
                         "sign-in-account-free", limits[0],
                         "sign-in-client-free", limits[1],
                         "sign-in-first-delay-ms", limits[2],
                         "pairing-rate", (guint) pairing_rate,
                         "connect-rate", (guint) connect_rate,
                         NULL);
  if (admin_password != NULL)
    explicit_bzero (admin_password, strlen (admin_password));

  if (!vz_server_start (server, &error))
    {
      g_printerr ("vizora-server: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);

  /* The one line parents wait for (VzLocalServer, tests). */
  printf ("listening on %s\n", vz_server_get_url (server));
  fflush (stdout);

  g_main_loop_run (loop);
  vz_server_stop (server);
  return 0;
}
