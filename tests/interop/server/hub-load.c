/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hub-load"

/*
 * Load figures for VzHub (a benchmark, not a test). The parent hosts a
 * SoupServer + VzHub; a child process (this program with --client) opens many
 * raw WebSocket peers. Measured in the parent with getrusage:
 *   fan-out: events to one organization's room while thousands of peers sit
 *            in other organizations' rooms;
 *   ingest:  heartbeats from thousands of devices, each acked by the handler.
 *
 *   hub-load [--room N] [--others N] [--devices N] [--events N] [--beats N]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <libsoup/soup.h>

#include "vz-hub.h"
#include "vz-listener.h"

static int room_size = 1000;
static int others = 4000;
static int devices = 5000;
static int events = 200;
static int beats = 10;

/* ---- client process ------------------------------------------------------- */

typedef struct {
  SoupSession *session;
  char        *url;
  guint        connected;
  guint        total;
  guint64      frames;        /* events received */
  guint64      acks;          /* acks received */
  GPtrArray   *conns;
  GPtrArray   *device_conns;
  GQueue       todo;          /* Pending* not yet started */
  guint        in_flight;
} Client;

static void
client_message_cb (SoupWebsocketConnection *ws, gint type, GBytes *message, gpointer user_data)
{
  Client *c = user_data;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);

  if (len == 1 && data[0] == '2')
    soup_websocket_connection_send_text (ws, "3");
  else if (len >= 2 && data[0] == '4' && data[1] == '2')
    c->frames++;
  else if (len >= 2 && data[0] == '4' && data[1] == '3')
    c->acks++;
  else if (len >= 2 && data[0] == '4' && data[1] == '0')
    c->connected++;
}

typedef struct {
  Client *client;
  char   *token;
  gboolean device;
} Pending;

static void client_start_more (Client *c);

static void
client_connected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pending *p = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  g_autofree char *connect = NULL;

  if (ws == NULL)
    g_error ("client could not connect: %s", error->message);
  g_signal_connect (ws, "message", G_CALLBACK (client_message_cb), p->client);
  connect = g_strdup_printf ("40{\"token\":\"%s\"}", p->token);
  soup_websocket_connection_send_text (ws, connect);
  g_ptr_array_add (p->device ? p->client->device_conns : p->client->conns, ws);
  p->client->in_flight--;
  client_start_more (p->client);
  g_free (p->token);
  g_free (p);
}

/* libsoup's session walks its whole queue on every step: keep the queue short. */
static void
client_start_more (Client *c)
{
  while (c->in_flight < 32 && !g_queue_is_empty (&c->todo))
    {
      Pending *p = g_queue_pop_head (&c->todo);
      g_autofree char *url = g_strdup_printf ("%s/socket.io/?EIO=4&transport=websocket", c->url);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

      c->in_flight++;
      soup_session_websocket_connect_async (c->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                            client_connected_cb, p);
    }
}

static void
client_open (Client *c, const char *token, gboolean device)
{
  Pending *p = g_new0 (Pending, 1);

  p->client = c;
  p->token = g_strdup (token);
  p->device = device;
  g_queue_push_tail (&c->todo, p);
}

static gboolean
client_stdin_cb (GIOChannel *channel, GIOCondition condition, gpointer user_data)
{
  Client *c = user_data;
  g_autofree char *line = NULL;
  guint64 want;

  if (g_io_channel_read_line (channel, &line, NULL, NULL, NULL) != G_IO_STATUS_NORMAL)
    exit (0);
  if (g_str_has_prefix (line, "beat"))
    {
      guint n = (guint) g_ascii_strtoull (line + 5, NULL, 10);
      guint64 id = 0;

      for (guint k = 0; k < n; k++)
        for (guint i = 0; i < c->device_conns->len; i++)
          {
            g_autofree char *frame = g_strdup_printf ("42%" G_GUINT64_FORMAT "[\"heartbeat\",{\"metrics\":{\"cpuUsage\":12.5,"
                                                      "\"memoryUsage\":40.1,\"diskUsage\":30,\"temperature\":48.2,"
                                                      "\"networkLatency\":20},\"currentContent\":{},\"uptime\":%u,"
                                                      "\"appVersion\":\"load\"}]", id++, k);
            soup_websocket_connection_send_text (g_ptr_array_index (c->device_conns, i), frame);
          }
      return G_SOURCE_CONTINUE;
    }
  if (g_str_has_prefix (line, "wait-frames"))
    {
      want = g_ascii_strtoull (line + 12, NULL, 10);
      while (c->frames < want)
        g_main_context_iteration (NULL, TRUE);
      g_print ("frames %" G_GUINT64_FORMAT "\n", c->frames);
    }
  else if (g_str_has_prefix (line, "wait-acks"))
    {
      want = g_ascii_strtoull (line + 10, NULL, 10);
      while (c->acks < want)
        g_main_context_iteration (NULL, TRUE);
      g_print ("acks %" G_GUINT64_FORMAT "\n", c->acks);
    }
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

static int
run_client (const char *url)
{
  Client c = { 0, };
  GIOChannel *in;

  c.url = g_strdup (url);
  c.session = soup_session_new_with_options ("max-conns", 20000, "max-conns-per-host", 20000, NULL);
  c.conns = g_ptr_array_new ();
  g_queue_init (&c.todo);
  c.device_conns = g_ptr_array_new ();
  c.total = room_size + others + devices;

  for (int i = 0; i < room_size; i++)
    client_open (&c, "dash:org-A", FALSE);
  for (int i = 0; i < others; i++)
    {
      g_autofree char *token = g_strdup_printf ("dash:org-%d", i % 50);
      client_open (&c, token, FALSE);
    }
  for (int i = 0; i < devices; i++)
    {
      g_autofree char *token = g_strdup_printf ("dev:org-A:%d", i);
      client_open (&c, token, TRUE);
    }
  client_start_more (&c);
  while (c.connected < c.total)
    g_main_context_iteration (NULL, TRUE);
  g_print ("ready %u\n", c.connected);
  fflush (stdout);

  in = g_io_channel_unix_new (0);
  g_io_add_watch (in, G_IO_IN | G_IO_HUP, client_stdin_cb, &c);
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

/* ---- server process ------------------------------------------------------- */

static gboolean
load_authenticate (VzHub *hub, const char *token, VzHubPrincipal *principal, gpointer user_data)
{
  g_auto(GStrv) parts = g_strsplit (token, ":", 3);
  static guint serial;

  if (g_strv_length (parts) < 2)
    return FALSE;
  principal->kind = strcmp (parts[0], "dev") == 0 ? VZ_HUB_PEER_DEVICE : VZ_HUB_PEER_DASHBOARD;
  principal->organization_id = g_strdup (parts[1]);
  principal->subject_id = parts[2] != NULL ? g_strdup (parts[2]) : g_strdup_printf ("user-%u", serial++);
  return TRUE;
}

static JsonNode *
load_event (VzHub *hub, const char *socket_id, const VzHubPrincipal *principal,
            const char *event, JsonArray *args, gpointer user_data)
{
  /* Roughly what the server's heartbeat handler answers. */
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "nextHeartbeatIn");
  json_builder_add_int_value (b, 15000);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Resident memory of this process in KiB (VmRSS). */
static gsize
rss_kib (void)
{
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL) ||
      (line = strstr (contents, "VmRSS:")) == NULL)
    return 0;
  return (gsize) g_ascii_strtoull (line + 6, NULL, 10);
}

static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

typedef struct {
  char     *line;
  gboolean  done;
} LineRead;

static void
line_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LineRead *r = user_data;

  r->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  r->done = TRUE;
}

/* The hub lives on this thread: turn the loop while the child works. */
static char *
child_line (GDataInputStream *out)
{
  LineRead r = { NULL, FALSE };

  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, line_read_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  if (r.line == NULL)
    g_error ("the client process ended early");
  return r.line;
}

static void
child_say (GOutputStream *in, const char *text)
{
  g_output_stream_write_all (in, text, strlen (text), NULL, NULL, NULL);
  g_output_stream_flush (in, NULL, NULL);
}

int
main (int argc, char *argv[])
{
  g_autofree char *client_url = NULL;
  const GOptionEntry entries[] = {
    { "client", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &client_url, NULL, NULL },
    { "room", 0, 0, G_OPTION_ARG_INT, &room_size, "Dashboards in the organization that gets the events", "N" },
    { "others", 0, 0, G_OPTION_ARG_INT, &others, "Dashboards in 50 other organizations", "N" },
    { "devices", 0, 0, G_OPTION_ARG_INT, &devices, "Devices sending heartbeats", "N" },
    { "events", 0, 0, G_OPTION_ARG_INT, &events, "Events broadcast to the room", "N" },
    { "beats", 0, 0, G_OPTION_ARG_INT, &beats, "Heartbeats per device", "N" },
    { NULL }
  };
  static const VzHubHandlers handlers = { load_authenticate, NULL, NULL, load_event };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(VzHub) hub = NULL;
  g_autoptr(VzListener) listener = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  /* The server's limits, without the per-address cap: every peer is on 127.0.0.1. */
  const VzListenerLimits limits = { 10000, 60000, 0, 0 };
  gsize rss0;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(JsonNode) status = NULL;
  g_autofree char *url = NULL;
  g_autofree char *line = NULL;
  g_autofree char *command = NULL;
  g_autofree char *self_exe = NULL;
  g_autofree char *room_arg = NULL;
  g_autofree char *others_arg = NULL;
  g_autofree char *devices_arg = NULL;
  struct rlimit limit;
  double cpu0;
  gint64 t0;
  double cpu;
  double wall;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  /* Thousands of sockets on each side. */
  getrlimit (RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit (RLIMIT_NOFILE, &limit);

  if (client_url != NULL)
    return run_client (client_url);

  /* As vizora-server does: its listener in front of a SoupServer. */
  server = soup_server_new (NULL, NULL);
  hub = vz_hub_new (&handlers, NULL);
  vz_hub_attach (hub, server, "/socket.io/");
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  listener = vz_listener_new (server, G_INET_SOCKET_ADDRESS (address), &limits, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u", vz_listener_get_port (listener));
  rss0 = rss_kib ();

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  room_arg = g_strdup_printf ("--room=%d", room_size);
  others_arg = g_strdup_printf ("--others=%d", others);
  devices_arg = g_strdup_printf ("--devices=%d", devices);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            self_exe, "--client", url, room_arg, others_arg, devices_arg, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

  t0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  line = child_line (out);
  g_print ("%d peers connected in %.2f s (hub CPU %.2f s); hub counts %u\n", room_size + others + devices,
           (g_get_monotonic_time () - t0) / 1e6, cpu_seconds () - cpu0, vz_hub_get_peer_count (hub));
  g_print ("memory: %zu KiB resident before the peers, %zu KiB with them: %.1f KiB per peer\n",
           rss0, rss_kib (), (double) (rss_kib () - rss0) / (room_size + others + devices));

  /* Fan-out to one room. */
  status = json_from_string ("{\"deviceId\":\"5b1c2a9e-8f0d-4a57-9a8e-0c6f3e2b7d41\",\"status\":\"online\","
                             "\"lastSeen\":\"2026-01-01T00:00:00.000Z\",\"timestamp\":\"2026-01-01T00:00:00.000Z\"}", NULL);
  command = g_strdup_printf ("wait-frames %" G_GUINT64_FORMAT "\n", (guint64) events * room_size);
  child_say (g_subprocess_get_stdin_pipe (child), command);
  t0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  for (int i = 0; i < events; i++)
    {
      vz_hub_emit_to_organization (hub, "org-A", "device:status", status);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_clear_pointer (&line, g_free);
  line = child_line (out);
  cpu = cpu_seconds () - cpu0;
  wall = (g_get_monotonic_time () - t0) / 1e6;
  g_print ("fan-out: %d events x %d dashboards (+%d in other rooms): %.2f s wall, hub CPU %.2f s, %.2f us per delivered frame\n",
           events, room_size, others, wall, cpu, cpu * 1e6 / ((double) events * room_size));

  /* Ingest. */
  g_clear_pointer (&command, g_free);
  command = g_strdup_printf ("beat %d\nwait-acks %" G_GUINT64_FORMAT "\n", beats, (guint64) beats * devices);
  t0 = g_get_monotonic_time ();
  cpu0 = cpu_seconds ();
  child_say (g_subprocess_get_stdin_pipe (child), command);
  g_clear_pointer (&line, g_free);
  line = child_line (out);
  cpu = cpu_seconds () - cpu0;
  wall = (g_get_monotonic_time () - t0) / 1e6;
  g_print ("ingest: %d heartbeats from %d devices, each acked: %.2f s wall, hub CPU %.2f s, %.1f us per event\n",
           beats * devices, devices, wall, cpu, cpu * 1e6 / ((double) beats * devices));

  g_subprocess_force_exit (child);
  g_subprocess_wait (child, NULL, NULL);
  return 0;
}
